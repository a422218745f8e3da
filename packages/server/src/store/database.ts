import BetterSqlite3 from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackgroundCheckpointer } from './checkpointer';
import { MIGRATIONS } from './migrations';
import type { Database, Params, RunResult, Statement } from './sql';

type Connection = BetterSqlite3.Database;
type Prepared = BetterSqlite3.Statement;

/**
 * Hands a database file from one transaction to the next. Connections of one process to the same
 * file (a test's second "process", the CLI inside a test) share it, so that one never waits on
 * SQLite's write lock while the other — suspended in the same thread — holds it.
 */
class FileLock {
  busy = false;
  readonly waiting: Array<() => void> = [];
  readonly members = new Set<SqliteDatabase>();
}

/** What one open transaction collects: callbacks for its commit and for its rollback. */
interface TxState {
  commit: Array<() => void>;
  rollback: Array<() => void | Promise<void>>;
}

/**
 * A statement on the embedded database. better-sqlite3 runs it synchronously; the promise it
 * returns is already settled, so an `await` costs a microtask, not an I/O wait.
 */
class SqliteStatement<Row> implements Statement<Row> {
  private prepared: Prepared | null = null;

  constructor(private readonly connection: Connection, private readonly sql: string, private readonly plucked = false) {}

  private statement(): Prepared {
    if (!this.prepared) {
      this.prepared = this.connection.prepare(this.sql);
      if (this.plucked) this.prepared.pluck();
    }
    return this.prepared;
  }

  get(...params: Params): Promise<Row | undefined> {
    try {
      return Promise.resolve(this.statement().get(...params) as Row | undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  all(...params: Params): Promise<Row[]> {
    try {
      return Promise.resolve(this.statement().all(...params) as Row[]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  run(...params: Params): Promise<RunResult> {
    try {
      return Promise.resolve({ changes: this.statement().run(...params).changes });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  pluck<Value = any>(): Statement<Value> {
    return new SqliteStatement<Value>(this.connection, this.sql, true);
  }
}

/**
 * The embedded SQLite database (WAL), one connection. Transactions run one at a time (a queue
 * hands the connection from one to the next), so no transaction ever sees another's half-done work
 * and every service can reason as if it were alone.
 *
 * Group commit: each transaction runs as a SAVEPOINT inside a batch transaction that stays open
 * until the event loop has handled the requests that arrived together, then commits once
 * (`setImmediate`, or as soon as the running transaction ends). A failed transaction rolls back
 * to its savepoint and leaves the batch intact. With `synchronous = FULL` the COMMIT is one fsync
 * for the whole batch: claims arriving within a turn share one transaction and one fsync, each
 * still atomic on its own. `flush()` resolves once everything written so far is committed; the
 * HTTP layer awaits it before answering, so no response reports a change that is not on disk.
 */
export class SqliteDatabase implements Database {
  private static readonly locks = new Map<string, FileLock>();
  readonly dialect = 'sqlite' as const;
  readonly connection: Connection;
  private readonly context = new AsyncLocalStorage<TxState>();
  private readonly lock: FileLock;
  private readonly lockKey: string;
  private commitPending = false;
  /** See Database.stats: many transactions per COMMIT is group commit at work. */
  readonly stats = { transactions: 0, commits: 0, retries: 0 };
  private batch: { callbacks: Array<() => void>; committed: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;
  private readonly begin;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  private checkpointer: BackgroundCheckpointer | null = null;
  private readonly statements = new Map<string, SqliteStatement<any>>();

  constructor(readonly file: string, options: { synchronous?: 'NORMAL' | 'FULL' } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.connection = new BetterSqlite3(file);
    this.lockKey = file === ':memory:' ? `:memory:${Math.random()}` : file;
    this.lock = SqliteDatabase.locks.get(this.lockKey) ?? new FileLock();
    SqliteDatabase.locks.set(this.lockKey, this.lock);
    this.lock.members.add(this);
    this.connection.pragma('journal_mode = WAL');
    // FULL: a commit returns only once it is on disk (one fsync per batch, see above). NORMAL in
    // WAL mode never corrupts the file but may lose the last commits on power loss.
    this.connection.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.connection.pragma('busy_timeout = 5000');
    this.connection.pragma('foreign_keys = ON');
    // A 64 MiB page cache keeps the hot indexes (claims, ledger, sessions) in memory.
    this.connection.pragma('cache_size = -65536');
    this.connection.pragma('temp_store = MEMORY');
    this.begin = this.connection.prepare('BEGIN IMMEDIATE');
    this.savepoint = this.connection.prepare('SAVEPOINT tx');
    this.release = this.connection.prepare('RELEASE tx');
    this.rollbackTo = this.connection.prepare('ROLLBACK TO tx');
  }

  get location(): string {
    return this.file;
  }

  prepare<Row = any>(sql: string): Statement<Row> {
    return new SqliteStatement<Row>(this.connection, sql);
  }

  private cached(sql: string): SqliteStatement<any> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = new SqliteStatement(this.connection, sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  get<Row = any>(sql: string, ...params: Params): Promise<Row | undefined> {
    return this.cached(sql).get(...params);
  }

  all<Row = any>(sql: string, ...params: Params): Promise<Row[]> {
    return this.cached(sql).all(...params);
  }

  run(sql: string, ...params: Params): Promise<RunResult> {
    return this.cached(sql).run(...params);
  }

  /** Applies the migrations not yet applied; returns how many ran. */
  async migrate(): Promise<number> {
    await this.acquire();
    try {
      this.commitBatch();
      const db = this.connection;
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      const applied = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
      let ran = 0;
      for (let version = applied + 1; version <= MIGRATIONS.length; version++) {
        db.transaction(() => {
          db.exec(MIGRATIONS[version - 1]);
          db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
        }).immediate();
        ran++;
      }
      return ran;
    } finally {
      this.releaseConnection();
    }
  }

  /**
   * Runs `fn` as one transaction: all of it or, when it throws, none of it. Nested calls join the
   * enclosing transaction. The commit follows within the same turn of the event loop; await
   * `flush()` before telling anyone outside the process about the result.
   */
  async tx<T>(fn: () => Promise<T>): Promise<T> {
    if (this.context.getStore()) return fn();
    await this.acquire();
    const state: TxState = { commit: [], rollback: [] };
    let failure: { error: unknown } | null = null;
    let result!: T;
    try {
      const batch = this.openBatch();
      this.savepoint.run();
      try {
        result = await this.context.run(state, fn);
        this.release.run();
        this.stats.transactions++;
        batch.callbacks.push(...state.commit);
      } catch (error) {
        if (this.connection.inTransaction) {
          this.rollbackTo.run();
          this.release.run();
        }
        failure = { error };
      }
    } finally {
      this.releaseConnection();
    }
    if (!failure) return result;
    for (const callback of state.rollback) await callback();
    throw failure.error;
  }

  get inTransaction(): boolean {
    return this.context.getStore() !== undefined;
  }

  onRollback(callback: () => void | Promise<void>): void {
    const state = this.context.getStore();
    if (!state) throw new Error('onRollback outside a transaction');
    state.rollback.push(callback);
  }

  onCommit(callback: () => void): void {
    const state = this.context.getStore();
    if (state) state.commit.push(callback);
    else callback();
  }

  /** Resolves when every transaction run so far is committed. */
  flush(): Promise<void> {
    return this.batch ? this.batch.committed : Promise.resolve();
  }

  /**
   * Hands WAL checkpoints to a background thread (see checkpointer.ts). For long-running servers;
   * tests and the CLI keep SQLite's automatic checkpoints.
   */
  startBackgroundCheckpoints(intervalMs = 1000, onError?: (message: string) => void): void {
    if (this.checkpointer || this.file === ':memory:') return;
    this.connection.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new BackgroundCheckpointer(this.file, intervalMs, onError);
  }

  /** Commits what is pending, stops background checkpoints, and closes the connection. */
  async close(): Promise<void> {
    if (!this.connection.open) return;
    await this.acquire();
    try {
      this.commitBatch();
      if (this.checkpointer) {
        await this.checkpointer.stop();
        this.checkpointer = null;
        this.connection.pragma('wal_checkpoint(TRUNCATE)');
      }
      this.connection.close();
      this.lock.members.delete(this);
      if (this.lock.members.size === 0) SqliteDatabase.locks.delete(this.lockKey);
    } finally {
      this.releaseConnection();
    }
  }

  private acquire(): Promise<void> {
    if (!this.lock.busy) {
      this.lock.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.lock.waiting.push(resolve));
  }

  /** Hands the file on; commits that came due while it was held go first. */
  private releaseConnection(): void {
    for (const member of this.lock.members) if (member.commitPending) member.commitBatch();
    const next = this.lock.waiting.shift();
    if (next) next();
    else this.lock.busy = false;
  }

  private openBatch() {
    if (this.batch) return this.batch;
    // The lock is held, so no other connection to the file is inside a transaction: commit theirs.
    for (const other of this.lock.members) if (other !== this) other.commitBatch();
    this.begin.run();
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    committed.catch(() => undefined); // a failed commit is reported to whoever awaits flush()
    this.batch = { callbacks: [], committed, resolve, reject };
    setImmediate(() => {
      if (this.lock.busy) this.commitPending = true;
      else this.commitBatch();
    });
    return this.batch;
  }

  private commitBatch(): void {
    this.commitPending = false;
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    try {
      this.connection.exec('COMMIT');
    } catch (error) {
      if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
      batch.reject(error);
      return;
    }
    this.stats.commits++;
    batch.resolve();
    for (const callback of batch.callbacks) callback();
  }
}
