import { fail } from '../errors';
import { sha256Hex } from './auth';
import type { TxOptions } from '../store/sql';
import type { ServiceContext } from './context';

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

/**
 * `Idempotency-Key` handling (SPEC section 8). The operation and the stored result commit in one
 * transaction, so a key never records an effect that did not happen, nor the reverse; and two
 * concurrent requests with one key produce one effect (SQLite runs write transactions one at a
 * time; on PostgreSQL the second collides on the key, runs again and replays the first's result).
 * Failures are not stored: a failed request changed nothing, so running it again is safe.
 */
export class IdempotencyService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * `operation` opens its own transaction, so without a key it runs as it is (claims of one share
   * card arriving together can then be taken together, see ClaimService.claim). With a key it runs
   * inside the key's transaction; `options` are the operation's own transaction options (the
   * claim's isolation on PostgreSQL), used for that shared transaction.
   */
  async run<T>(scope: string, key: string | undefined, fingerprint: string, statusCode: number, operation: () => Promise<T>, options?: TxOptions): Promise<IdempotentResult<T>> {
    if (key === undefined) return { statusCode, body: await operation(), replayed: false };
    if (key.length < 1 || key.length > 255) fail('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 characters.', { field: 'Idempotency-Key' });
    const hash = sha256Hex(fingerprint);
    return this.ctx.db.tx(async () => {
      const { idempotency } = this.ctx.stores;
      await idempotency.lock(scope, key);
      const stored = await idempotency.get(scope, key);
      if (stored) {
        if (stored.request_hash !== hash) fail('IDEMPOTENCY_CONFLICT', `The Idempotency-Key "${key}" was already used with a different request.`);
        return { statusCode: stored.status_code, body: JSON.parse(stored.response) as T, replayed: true };
      }
      const body = await operation();
      await idempotency.put(scope, key, { request_hash: hash, status_code: statusCode, response: JSON.stringify(body) }, this.ctx.clock.now());
      return { statusCode, body, replayed: false };
    }, options);
  }
}
