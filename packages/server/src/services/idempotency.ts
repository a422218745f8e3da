import { fail } from '../errors';
import { sha256Hex } from './auth';
import type { ServiceContext } from './context';

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

/**
 * `Idempotency-Key` handling (SPEC section 8). The operation and the stored result commit in one
 * transaction, so a key never records an effect that did not happen, nor the reverse; and because
 * transactions run one at a time, two concurrent requests with one key produce one effect.
 * Failures are not stored: a failed request changed nothing, so running it again is safe.
 */
export class IdempotencyService {
  constructor(private readonly ctx: ServiceContext) {}

  run<T>(scope: string, key: string | undefined, fingerprint: string, statusCode: number, operation: () => T): IdempotentResult<T> {
    if (key === undefined) return { statusCode, body: this.ctx.db.txSync(operation), replayed: false };
    if (key.length < 1 || key.length > 255) fail('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 characters.', { field: 'Idempotency-Key' });
    const hash = sha256Hex(fingerprint);
    return this.ctx.db.txSync(() => {
      const { idempotency } = this.ctx.stores;
      const stored = idempotency.get(scope, key);
      if (stored) {
        if (stored.request_hash !== hash) fail('IDEMPOTENCY_CONFLICT', `The Idempotency-Key "${key}" was already used with a different request.`);
        return { statusCode: stored.status_code, body: JSON.parse(stored.response) as T, replayed: true };
      }
      const body = operation();
      idempotency.put(scope, key, { request_hash: hash, status_code: statusCode, response: JSON.stringify(body) }, this.ctx.clock.now());
      return { statusCode, body, replayed: false };
    });
  }
}
