import type { Database } from './sql';

export interface IdempotencyRow {
  request_hash: string;
  status_code: number;
  response: string;
}

/** Stored results of POSTs made with an `Idempotency-Key`, scoped to the caller. */
export class IdempotencyStore {
  constructor(private readonly db: Database) {}

  /**
   * PostgreSQL: makes requests with the same key take turns until the calling transaction ends, so
   * the second finds the first's stored result instead of racing it. (SQLite runs one write
   * transaction at a time anyway.)
   */
  async lock(scope: string, key: string): Promise<void> {
    if (this.db.dialect === 'postgres') await this.db.run("SELECT pg_advisory_xact_lock(hashtextextended(? || ' ' || ?, 0))", scope, key);
  }

  async get(scope: string, key: string): Promise<IdempotencyRow | undefined> {
    return (await this.db.prepare('SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = ? AND key = ?').get(scope, key)) as
      | IdempotencyRow
      | undefined;
  }

  async put(scope: string, key: string, row: IdempotencyRow, now: number): Promise<void> {
    await this.db
      .prepare('INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(scope, key, row.request_hash, row.status_code, row.response, now);
  }

  async purge(before: number): Promise<number> {
    return (await this.db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(before)).changes;
  }
}
