import type { AuditRow, Checkpoint } from '../audit/chain';
import type { Sqlite } from './database';

export interface AuditFilter {
  accountId?: string;
  type?: string;
  since?: number;
  until?: number;
  /** Entries with a seq below this one (newest first paging). */
  beforeSeq?: number | null;
  limit: number;
}

/** SQL for the hash-chained audit log, its per-account index and the purge checkpoint. */
export class AuditStore {
  private readonly headStmt;
  private readonly checkpointStmt;
  private readonly insertStmt;
  private readonly indexStmt;
  constructor(private readonly db: Sqlite) {
    this.headStmt = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.checkpointStmt = db.prepare('SELECT seq, hash FROM audit_checkpoint WHERE id = 1');
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (seq, at, type, actor_id, subject_id, account_ids, amount, data, prev_hash, hash)
       VALUES (@seq, @at, @type, @actor_id, @subject_id, @account_ids, @amount, @data, @prev_hash, @hash)`,
    );
    this.indexStmt = db.prepare('INSERT OR IGNORE INTO audit_accounts (account_id, seq) VALUES (?, ?)');
  }

  /** The newest entry's seq and hash, else the checkpoint's, else null for an empty log. */
  head(): Checkpoint | null {
    return (this.headStmt.get() as Checkpoint | undefined) ?? this.checkpoint();
  }

  checkpoint(): Checkpoint | null {
    return (this.checkpointStmt.get() as Checkpoint | undefined) ?? null;
  }

  insert(row: AuditRow, accountIds: readonly string[]): void {
    this.insertStmt.run(row);
    for (const accountId of accountIds) this.indexStmt.run(accountId, row.seq);
  }

  /** Every entry in seq order, read lazily. */
  all(): IterableIterator<AuditRow> {
    return this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>;
  }

  query(filter: AuditFilter): AuditRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    const from = filter.accountId !== undefined ? 'audit_accounts x JOIN audit_log l ON l.seq = x.seq' : 'audit_log l';
    if (filter.accountId !== undefined) (where.push('x.account_id = @accountId'), (params.accountId = filter.accountId));
    if (filter.type !== undefined) (where.push('l.type = @type'), (params.type = filter.type));
    if (filter.since !== undefined) (where.push('l.at >= @since'), (params.since = filter.since));
    if (filter.until !== undefined) (where.push('l.at < @until'), (params.until = filter.until));
    if (filter.beforeSeq != null) (where.push('l.seq < @beforeSeq'), (params.beforeSeq = filter.beforeSeq));
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db.prepare(`SELECT l.* FROM ${from} ${clause} ORDER BY l.seq DESC LIMIT @limit`).all(params) as AuditRow[];
  }

  /** The last seq of the oldest run of entries written before `before`: what a purge may remove. */
  purgeableThrough(before: number): AuditRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM audit_log WHERE seq < COALESCE((SELECT MIN(seq) FROM audit_log WHERE at >= @before), (SELECT MAX(seq) + 1 FROM audit_log))
         ORDER BY seq DESC LIMIT 1`,
      )
      .get({ before }) as AuditRow | undefined;
  }

  /** Deletes entries through `seq` and records the checkpoint that the rest of the chain continues from. */
  purgeThrough(last: AuditRow, before: number, now: number): number {
    const removed = this.db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(last.seq).changes;
    this.db.prepare('DELETE FROM audit_accounts WHERE seq <= ?').run(last.seq);
    this.db
      .prepare(
        `INSERT INTO audit_checkpoint (id, seq, hash, purged_before, created_at) VALUES (1, @seq, @hash, @before, @now)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, purged_before = excluded.purged_before, created_at = excluded.created_at`,
      )
      .run({ seq: last.seq, hash: last.hash, before, now });
    return removed;
  }
}
