import type { AuditRow, Checkpoint } from '../audit/chain';
import type { Database, Statement } from './sql';

/** An entry appended but not chained yet: an audit_log row without its place in the chain. */
export type PendingAuditRow = Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'> & { id: string };

export interface AuditFilter {
  accountId?: string;
  type?: string;
  since?: number;
  until?: number;
  /** Entries with a seq below this one (newest first paging). */
  beforeSeq?: number | null;
  limit: number;
}

/** What a pending entry and a chained one both hold (audit_pending and audit_log columns). */
const ENTRY_FIELDS = ['at', 'type', 'actor_id', 'subject_id', 'account_ids', 'amount', 'data'] as const;

/** PostgreSQL: each of `keys` as one array over `rows`, for a statement that unnests them into rows again. */
function columnsOf<Row, K extends keyof Row>(rows: readonly Row[], keys: readonly K[]): Record<K, Array<Row[K]>> {
  return Object.fromEntries(keys.map((key) => [key, rows.map((row) => row[key])])) as Record<K, Array<Row[K]>>;
}

/** The advisory lock id of the audit chain's head (PostgreSQL). */
const AUDIT_CHAIN_LOCK = 0x4842_0001;

/** SQL for the hash-chained audit log, its per-account index and the purge checkpoint. */
export class AuditStore {
  private readonly headStmt;
  private readonly checkpointStmt;
  private readonly insertStmt;
  private readonly insertManyStmt;
  private readonly indexManyStmt;
  constructor(private readonly db: Database) {
    this.headStmt = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.checkpointStmt = db.prepare('SELECT seq, hash FROM audit_checkpoint WHERE id = 1');
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (seq, at, type, actor_id, subject_id, account_ids, amount, data, prev_hash, hash)
       VALUES (@seq, @at, @type, @actor_id, @subject_id, @account_ids, @amount, @data, @prev_hash, @hash)`,
    );
    // SQLite, insertMany: the entries, and each entry's accounts, from one JSON array of rows.
    this.insertManyStmt = db.prepare(
      `INSERT INTO audit_log (seq, at, type, actor_id, subject_id, account_ids, amount, data, prev_hash, hash)
       SELECT r.value ->> '$.seq', r.value ->> '$.at', r.value ->> '$.type', r.value ->> '$.actor_id', r.value ->> '$.subject_id',
         r.value ->> '$.account_ids', r.value ->> '$.amount', r.value ->> '$.data', r.value ->> '$.prev_hash', r.value ->> '$.hash'
       FROM json_each(?) r ORDER BY r.key`,
    );
    this.indexManyStmt = db.prepare(
      `INSERT INTO audit_accounts (account_id, seq)
       SELECT a.value, r.value ->> '$.seq' FROM json_each(?) r, json_each(r.value ->> '$.account_ids') a WHERE true
       ON CONFLICT DO NOTHING`,
    );
  }

  /** The newest entry's seq and hash, else the checkpoint's, else null for an empty log. */
  async head(): Promise<Checkpoint | null> {
    return ((await this.headStmt.get()) as Checkpoint | undefined) ?? (await this.checkpoint());
  }

  async checkpoint(): Promise<Checkpoint | null> {
    return ((await this.checkpointStmt.get()) as Checkpoint | undefined) ?? null;
  }

  /** Inserts an entry and its per-account index rows (callers run it inside `ctx.db.tx`). */
  async insert(row: AuditRow, accountIds: readonly string[]): Promise<void> {
    await this.insertStmt.run(row);
    if (accountIds.length === 0) return;
    await this.indexStatement(accountIds.length).run(...accountIds.flatMap((accountId) => [accountId, row.seq]));
  }

  /** PostgreSQL: takes the chain's lock until the calling transaction ends (one chainer at a time, across instances). */
  async lockChain(): Promise<void> {
    await this.db.run(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  }

  async insertPending(row: PendingAuditRow): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO audit_pending (id, at, type, actor_id, subject_id, account_ids, amount, data)
         VALUES (@id, @at, @type, @actor_id, @subject_id, @account_ids, @amount, @data)`,
      )
      .run(row);
  }

  /** PostgreSQL: insertPending for several rows in one statement, in their order. */
  async insertPendingMany(rows: readonly PendingAuditRow[]): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO audit_pending (id, at, type, actor_id, subject_id, account_ids, amount, data)
         SELECT * FROM unnest(CAST(@id AS TEXT[]), CAST(@at AS BIGINT[]), CAST(@type AS TEXT[]), CAST(@actor_id AS TEXT[]), CAST(@subject_id AS TEXT[]),
           CAST(@account_ids AS TEXT[]), CAST(@amount AS BIGINT[]), CAST(@data AS TEXT[]))`,
      )
      .run(columnsOf(rows, ['id', ...ENTRY_FIELDS]));
  }

  /** How many entries wait to be chained (PostgreSQL; always 0 on SQLite, which chains as it appends). */
  async pendingCount(): Promise<number> {
    return Number(((await this.db.prepare('SELECT COUNT(*) AS n FROM audit_pending').get()) as { n: number }).n);
  }

  /**
   * PostgreSQL: the oldest entries waiting to be chained, in the order they were made, and the
   * chain's head (as `head` reads it), in one read.
   */
  async pendingAndHead(limit: number): Promise<{ pending: PendingAuditRow[]; head: Checkpoint | null }> {
    const row = (await this.db
      .prepare(
        `SELECT (SELECT json_agg(p ORDER BY p.id) FROM (SELECT * FROM audit_pending ORDER BY id LIMIT @limit) p) AS pending,
           COALESCE((SELECT row_to_json(h) FROM (SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) h),
             (SELECT row_to_json(c) FROM (SELECT seq, hash FROM audit_checkpoint WHERE id = 1) c)) AS head`,
      )
      .get({ limit })) as { pending: PendingAuditRow[] | null; head: Checkpoint | null };
    return { pending: row.pending ?? [], head: row.head };
  }

  /**
   * Inserts chained entries and their per-account index rows, in one statement on PostgreSQL
   * (arrays unnested into rows) and two on SQLite (one JSON array read with json_each). On
   * PostgreSQL the same statement removes `pending`, the entries just chained, from the pending list.
   */
  async insertMany(rows: readonly AuditRow[], pending: readonly string[] = []): Promise<void> {
    if (rows.length === 0) return;
    if (this.db.dialect !== 'postgres') {
      const json = JSON.stringify(rows);
      await this.insertManyStmt.run(json);
      await this.indexManyStmt.run(json);
      return;
    }
    const index = rows.flatMap((row) => (JSON.parse(row.account_ids) as string[]).map((accountId) => [accountId, row.seq] as const));
    await this.db.run(
      `WITH entry AS (
         INSERT INTO audit_log (seq, at, type, actor_id, subject_id, account_ids, amount, data, prev_hash, hash)
         SELECT * FROM unnest(CAST(@seq AS BIGINT[]), CAST(@at AS BIGINT[]), CAST(@type AS TEXT[]), CAST(@actor_id AS TEXT[]), CAST(@subject_id AS TEXT[]),
           CAST(@account_ids AS TEXT[]), CAST(@amount AS BIGINT[]), CAST(@data AS TEXT[]), CAST(@prev_hash AS TEXT[]), CAST(@hash AS TEXT[]))
       ), indexed AS (
         INSERT INTO audit_accounts (account_id, seq) SELECT * FROM unnest(CAST(@index_accounts AS TEXT[]), CAST(@index_seqs AS BIGINT[])) ON CONFLICT DO NOTHING
       ), chained AS (
         DELETE FROM audit_pending WHERE id = ANY(CAST(@pending AS TEXT[]))
       )
       SELECT 1`,
      {
        ...columnsOf(rows, ['seq', ...ENTRY_FIELDS, 'prev_hash', 'hash']),
        index_accounts: index.map(([accountId]) => accountId),
        index_seqs: index.map(([, seq]) => seq),
        pending,
      },
    );
  }

  /** One INSERT for an entry's `count` index rows (the database prepares each text once). */
  private indexStatement(count: number): Statement {
    return this.db.prepare(`INSERT INTO audit_accounts (account_id, seq) VALUES ${Array(count).fill('(?, ?)').join(', ')} ON CONFLICT DO NOTHING`);
  }

  /** Every entry in seq order, read in one statement (one consistent view of the chain). */
  async all(): Promise<AuditRow[]> {
    return (await this.db.prepare('SELECT * FROM audit_log ORDER BY seq').all()) as AuditRow[];
  }

  async query(filter: AuditFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    const from = filter.accountId !== undefined ? 'audit_accounts x JOIN audit_log l ON l.seq = x.seq' : 'audit_log l';
    if (filter.accountId !== undefined) (where.push('x.account_id = @accountId'), (params.accountId = filter.accountId));
    if (filter.type !== undefined) (where.push('l.type = @type'), (params.type = filter.type));
    if (filter.since !== undefined) (where.push('l.at >= @since'), (params.since = filter.since));
    if (filter.until !== undefined) (where.push('l.at < @until'), (params.until = filter.until));
    if (filter.beforeSeq != null) (where.push('l.seq < @beforeSeq'), (params.beforeSeq = filter.beforeSeq));
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return (await this.db.prepare(`SELECT l.* FROM ${from} ${clause} ORDER BY l.seq DESC LIMIT @limit`).all(params)) as AuditRow[];
  }

  /** The last seq of the oldest run of entries written before `before`: what a purge may remove. */
  async purgeableThrough(before: number): Promise<AuditRow | undefined> {
    return (await this.db
      .prepare(
        `SELECT * FROM audit_log WHERE seq < COALESCE((SELECT MIN(seq) FROM audit_log WHERE at >= @before), (SELECT MAX(seq) + 1 FROM audit_log))
         ORDER BY seq DESC LIMIT 1`,
      )
      .get({ before })) as AuditRow | undefined;
  }

  /**
   * Deletes entries through `seq` and records the checkpoint that the rest of the chain continues
   * from. Several writes: callers run it inside `ctx.db.tx`.
   */
  async purgeThrough(last: AuditRow, before: number, now: number): Promise<number> {
    const removed = (await this.db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(last.seq)).changes;
    await this.db.prepare('DELETE FROM audit_accounts WHERE seq <= ?').run(last.seq);
    await this.db
      .prepare(
        `INSERT INTO audit_checkpoint (id, seq, hash, purged_before, created_at) VALUES (1, @seq, @hash, @before, @now)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, purged_before = excluded.purged_before, created_at = excluded.created_at`,
      )
      .run({ seq: last.seq, hash: last.hash, before, now });
    return removed;
  }
}
