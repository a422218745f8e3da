import BetterSqlite3 from 'better-sqlite3';
import { closeSync, fstatSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackgroundCheckpointer } from './checkpointer';
import { MIGRATIONS } from './migrations';
import { BaseDatabase, type Database, type Params, type RunResult, type Statement, type TxCallbacks } from './sql';

type Connection = BetterSqlite3.Database;

/** The WAL size past which a long-running server restarts it (see restartWalWhenLarge). */
const WAL_RESTART_BYTES = 32 * 1024 * 1024;
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

type TxState = TxCallbacks;

/**
 * A statement on the embedded database. better-sqlite3 runs it synchronously; the promise it
 * returns is already settled, so an `await` costs a microtask, not an I/O wait. A statement that
 * writes, run outside a transaction, becomes a transaction of its own: it takes its turn instead
 * of landing inside whichever transaction holds the connection at that moment.
 */
class SqliteStatement<Row> implements Statement<Row> {
  private prepared: Prepared | null = null;
  private plucking: SqliteStatement<any> | null = null;

  constructor(private readonly owner: SqliteDatabase, private readonly sql: string, private readonly plucked = false) {}

  private statement(): Prepared {
    if (!this.prepared) {
      this.prepared = this.owner.connection.prepare(this.sql);
      if (this.plucked) this.prepared.pluck();
    }
    return this.prepared;
  }

  private execute<T>(step: (statement: Prepared) => T): Promise<T> {
    try {
      const statement = this.statement();
      if (!statement.readonly && !this.owner.inTransaction) return this.owner.tx(async () => step(statement));
      return Promise.resolve(step(statement));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get(...params: Params): Promise<Row | undefined> {
    return this.execute((statement) => statement.get(...params) as Row | undefined);
  }

  all(...params: Params): Promise<Row[]> {
    return this.execute((statement) => statement.all(...params) as Row[]);
  }

  run(...params: Params): Promise<RunResult> {
    return this.execute((statement) => ({ changes: statement.run(...params).changes }));
  }

  pluck<Value = any>(): Statement<Value> {
    this.plucking ??= new SqliteStatement<any>(this.owner, this.sql, true);
    return this.plucking;
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
 * to its savepoint and leaves the batch intact.
 *
 * Durability (`synchronous: 'FULL'`, the default): the batch's COMMIT writes its WAL frames, and
 * one fsync of the WAL file makes the whole batch durable — claims arriving within a turn share one
 * transaction and one fsync, each still atomic on its own. SQLite's own FULL mode would run that
 * fsync inside COMMIT, on the event loop; instead the connection runs `synchronous = NORMAL` (which
 * never syncs the WAL on commit, and syncs it before each checkpoint) and the fsync runs on libuv's
 * thread pool while the next batch already executes. `flush()` resolves once everything committed
 * so far is on disk; the HTTP layer awaits it before answering, so no response reports a change
 * that a power cut could take back.
 */
export class SqliteDatabase extends BaseDatabase<TxState> implements Database {
  private static readonly locks = new Map<string, FileLock>();
  readonly dialect = 'sqlite' as const;
  readonly connection: Connection;
  private readonly lock: FileLock;
  private readonly lockKey: string;
  private commitPending = false;
  /** See Database.stats: many transactions per COMMIT is group commit at work. */
  readonly stats = { transactions: 0, commits: 0, retries: 0, syncs: 0, walRestarts: 0 };
  private restarting = false;
  /** Whether commits are acknowledged only once fsynced (see above). */
  readonly durable: boolean;
  private walFd: number | null = null;
  /** The latest WAL fsync started: once it ends, every commit before it is on disk. */
  private lastSync: Promise<void> | null = null;
  private batch: { callbacks: Array<() => void>; committed: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;
  private readonly begin;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  private checkpointer: BackgroundCheckpointer | null = null;

  constructor(readonly file: string, options: { synchronous?: 'NORMAL' | 'FULL' } = {}) {
    super();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.connection = new BetterSqlite3(file);
    this.lockKey = file === ':memory:' ? `:memory:${Math.random()}` : file;
    this.lock = SqliteDatabase.locks.get(this.lockKey) ?? new FileLock();
    SqliteDatabase.locks.set(this.lockKey, this.lock);
    this.lock.members.add(this);
    this.connection.pragma('journal_mode = WAL');
    // NORMAL in WAL mode never corrupts the file; with `durable`, each batch's WAL fsync (below)
    // adds what FULL would: no acknowledged commit lost on power loss.
    this.durable = (options.synchronous ?? 'FULL') === 'FULL' && file !== ':memory:';
    this.connection.pragma('synchronous = NORMAL');
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

  protected createStatement(sql: string): Statement<any> {
    return new SqliteStatement(this, sql);
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
    if (this.context.current()) return fn();
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

  /** Resolves when every transaction run so far is committed (and, when durable, on disk). */
  flush(): Promise<void> {
    return this.batch?.committed ?? this.lastSync ?? Promise.resolve();
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
      await this.lastSync?.catch(() => undefined);
      this.connection.close();
      if (this.walFd !== null) closeSync(this.walFd);
      this.walFd = null;
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
    this.restartWalWhenLarge();
    if (!this.durable) return this.settle(batch);
    const synced = this.syncWal();
    this.lastSync = synced;
    synced.then(
      () => {
        if (this.lastSync === synced) this.lastSync = null;
        this.settle(batch);
      },
      (error: unknown) => {
        // The disk refused: nothing of this batch may be reported as done.
        if (this.lastSync === synced) this.lastSync = null;
        batch.reject(error);
      },
    );
  }

  /**
   * With background checkpoints on and the WAL past WAL_RESTART_BYTES: takes the file like a
   * transaction would (writers queue for a few milliseconds; reads go on) and has the checkpointer
   * copy what is left and restart the WAL.
   */
  private restartWalWhenLarge(): void {
    if (!this.checkpointer || this.restarting) return;
    if (fstatSync(this.wal()).size < WAL_RESTART_BYTES) return;
    const checkpointer = this.checkpointer;
    this.restarting = true;
    void this.acquire()
      .then(async () => {
        this.commitBatch();
        await this.lastSync?.catch(() => undefined);
        if (await checkpointer.restart()) this.stats.walRestarts++;
      })
      .finally(() => {
        this.restarting = false;
        this.releaseConnection();
      });
  }

  private settle(batch: { resolve: () => void; callbacks: Array<() => void> }): void {
    batch.resolve();
    for (const callback of batch.callbacks) callback();
  }

  /** A descriptor of the WAL file (it exists once anything was committed, and keeps its inode while the connection is open). */
  private wal(): number {
    this.walFd ??= openSync(`${this.file}-wal`, 'r');
    return this.walFd;
  }

  /** fsyncs the WAL file on libuv's thread pool: every frame written before the call is then on disk. */
  private syncWal(): Promise<void> {
    const fd = this.wal();
    return new Promise((resolve, reject) =>
      fsync(fd, (error) => {
        if (error) return reject(error);
        this.stats.syncs++;
        resolve();
      }),
    );
  }
}
