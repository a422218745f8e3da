import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackgroundCheckpointer } from './checkpointer';
import { MIGRATIONS } from './migrations';

export type Sqlite = Database.Database;

/**
 * The embedded SQLite database (WAL). Transactions are synchronous functions run to completion one
 * at a time, so no request ever sees another's half-done work.
 *
 * Group commit: each transaction runs as a SAVEPOINT inside a batch transaction that stays open
 * until the event loop has handled the requests that arrived together, then commits once
 * (`setImmediate`). A failed transaction rolls back to its savepoint and leaves the batch intact.
 * One COMMIT for many claims is what lets durable writes keep up with a crowd; `flush()` resolves
 * when everything written so far is committed, and the HTTP layer awaits it before answering, so no
 * response ever reports a change that is not committed.
 */
export class SqliteDatabase {
  /**
   * Connections of this process with a batch open. Opening a batch first commits the others':
   * a second connection to the same file (a test's second "process") would otherwise wait on the
   * write lock synchronously, blocking the very event-loop turn that commits it.
   */
  private static readonly open = new Set<SqliteDatabase>();
  readonly db: Sqlite;
  /** Callbacks of the open transaction; null outside one. */
  private txCallbacks: Array<() => void> | null = null;
  /** Callbacks to run once the open transaction has rolled back; null outside one. */
  private rollbackCallbacks: Array<() => void> | null = null;
  private batch: { callbacks: Array<() => void>; committed: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;
  private readonly begin;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  private checkpointer: BackgroundCheckpointer | null = null;

  constructor(readonly file: string, options: { synchronous?: 'NORMAL' | 'FULL' } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: commits are atomic and the file never corrupts; on power loss the last
    // commits may be lost. FULL fsyncs every commit — affordable thanks to group commit.
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    // A 64 MiB page cache keeps the hot indexes (claims, ledger, sessions) in memory.
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.begin = this.db.prepare('BEGIN IMMEDIATE');
    this.savepoint = this.db.prepare('SAVEPOINT tx');
    this.release = this.db.prepare('RELEASE tx');
    this.rollbackTo = this.db.prepare('ROLLBACK TO tx');
  }

  /** Applies the migrations not yet applied; returns how many ran. */
  migrate(): number {
    this.commitBatch();
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const applied = (this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    let ran = 0;
    for (let version = applied + 1; version <= MIGRATIONS.length; version++) {
      this.db
        .transaction(() => {
          this.db.exec(MIGRATIONS[version - 1]);
          this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
        })
        .immediate();
      ran++;
    }
    return ran;
  }

  /** Runs `fn` as one transaction and resolves once it is committed. */
  async tx<T>(fn: () => T): Promise<T> {
    const result = this.txSync(fn);
    await this.flush();
    return result;
  }

  /**
   * Runs `fn` as one transaction: all of it or, when it throws, none of it. Nested calls join the
   * enclosing transaction. The commit follows within the same turn of the event loop; await
   * `flush()` before telling anyone outside the process about the result.
   */
  txSync<T>(fn: () => T): T {
    if (this.txCallbacks) return fn();
    const batch = this.openBatch();
    const callbacks: Array<() => void> = [];
    const rollbackCallbacks: Array<() => void> = [];
    this.txCallbacks = callbacks;
    this.rollbackCallbacks = rollbackCallbacks;
    this.savepoint.run();
    try {
      const result = fn();
      this.release.run();
      batch.callbacks.push(...callbacks);
      return result;
    } catch (error) {
      if (this.db.inTransaction) {
        this.rollbackTo.run();
        this.release.run();
      }
      this.txCallbacks = null;
      this.rollbackCallbacks = null;
      for (const callback of rollbackCallbacks) callback();
      throw error;
    } finally {
      this.txCallbacks = null;
      this.rollbackCallbacks = null;
    }
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.txCallbacks !== null;
  }

  /**
   * Registers a callback to run right after the current transaction rolls back, outside it (it may
   * start a transaction of its own). Risk control uses it to keep the record of a refusal whose
   * thrown error undoes everything else. Must be called inside a transaction.
   */
  onRollback(callback: () => void): void {
    if (!this.rollbackCallbacks) throw new Error('onRollback outside a transaction');
    this.rollbackCallbacks.push(callback);
  }

  /** Registers a callback to run once the current transaction commits (at once outside one). */
  onCommit(callback: () => void): void {
    if (this.txCallbacks) this.txCallbacks.push(callback);
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
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new BackgroundCheckpointer(this.file, intervalMs, onError);
  }

  /** Commits what is pending, stops background checkpoints, and closes the connection. */
  async closeAsync(): Promise<void> {
    this.commitBatch();
    if (this.checkpointer) {
      await this.checkpointer.stop();
      this.checkpointer = null;
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
    this.db.close();
  }

  close(): void {
    this.commitBatch();
    this.db.close();
  }

  private openBatch() {
    if (this.batch) return this.batch;
    for (const other of SqliteDatabase.open) other.commitBatch();
    this.begin.run();
    SqliteDatabase.open.add(this);
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    committed.catch(() => undefined); // a failed commit is reported to whoever awaits flush()
    this.batch = { callbacks: [], committed, resolve, reject };
    setImmediate(() => this.commitBatch());
    return this.batch;
  }

  private commitBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    SqliteDatabase.open.delete(this);
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      batch.reject(error);
      return;
    }
    batch.resolve();
    for (const callback of batch.callbacks) callback();
  }
}
