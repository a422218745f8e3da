import type { Sqlite } from './database';

export interface IdempotencyRow {
  request_hash: string;
  status_code: number;
  response: string;
}

/** Stored results of POSTs made with an `Idempotency-Key`, scoped to the caller. */
export class IdempotencyStore {
  constructor(private readonly db: Sqlite) {}

  get(scope: string, key: string): IdempotencyRow | undefined {
    return this.db.prepare('SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = ? AND key = ?').get(scope, key) as
      | IdempotencyRow
      | undefined;
  }

  put(scope: string, key: string, row: IdempotencyRow, now: number): void {
    this.db
      .prepare('INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(scope, key, row.request_hash, row.status_code, row.response, now);
  }

  purge(before: number): number {
    return this.db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(before).changes;
  }
}
