import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';

export type Sqlite = Database.Database;

/**
 * The embedded SQLite database (WAL). Transactions are synchronous functions run to completion one
 * at a time, so no request ever sees another's half-done work. `tx` still returns a Promise that
 * settles after the commit: that is the seam where commits can later be batched (group commit),
 * answering each caller only once its batch is durable.
 */
export class SqliteDatabase {
  readonly db: Sqlite;
  private afterCommit: Array<() => void> | null = null;

  constructor(readonly file: string, options: { synchronous?: 'NORMAL' | 'FULL' } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: commits are atomic and the file never corrupts; on power loss the last
    // commits may be lost. FULL fsyncs every commit (see the README on durability).
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
  }

  /** Applies the migrations not yet applied; returns how many ran. */
  migrate(): number {
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

  /**
   * Runs `fn` as one write transaction (BEGIN IMMEDIATE … COMMIT); a throw rolls everything back.
   * Callbacks registered with `onCommit` during `fn` run after the commit.
   */
  tx<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.txSync(fn));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The synchronous form of `tx`, for the CLI and for code that is already inside a transaction. */
  txSync<T>(fn: () => T): T {
    if (this.afterCommit) return fn(); // nested: part of the enclosing transaction
    const callbacks: Array<() => void> = [];
    this.afterCommit = callbacks;
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } finally {
      this.afterCommit = null;
    }
    for (const callback of callbacks) callback();
    return result;
  }

  /** Registers a callback to run once the current transaction commits (at once outside one). */
  onCommit(callback: () => void): void {
    if (this.afterCommit) this.afterCommit.push(callback);
    else callback();
  }

  close(): void {
    this.db.close();
  }
}
