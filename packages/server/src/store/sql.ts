import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The store seam: what every store class and service sees of the database, the same for the
 * embedded SQLite file and for PostgreSQL. Statements are written once, in the SQL both speak
 * (see docs/scaling.md for the rules), with `?` or `@name` parameters; each store prepares them
 * once and runs them with async `get`/`all`/`run`.
 *
 * Transactions: `tx(fn)` runs `fn` as one transaction — all of it, or nothing when it throws.
 * Statements run inside `fn` (found through async context, so nothing is passed around) belong to
 * it; a nested `tx` joins the enclosing one. Inside a transaction await only the database: no
 * network calls, no timers.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  changes: number;
}

/** Positional parameters, or one object for `@name` parameters. */
export type Params = unknown[];

export interface Statement<Row = any> {
  get(...params: Params): Promise<Row | undefined>;
  all(...params: Params): Promise<Row[]>;
  run(...params: Params): Promise<RunResult>;
  /** A statement that returns the first column of each row instead of the row. */
  pluck<Value = any>(): Statement<Value>;
}

export interface TxOptions {
  /**
   * PostgreSQL only. Transactions run SERIALIZABLE (as if alone, like every transaction on SQLite);
   * a path whose statements take their row locks themselves and never act on a stale read (the
   * claim statement) may ask for READ COMMITTED, which waits for a lock instead of failing on it.
   */
  isolation?: 'serializable' | 'read committed';
  /**
   * PostgreSQL group commit, for READ COMMITTED transactions that contend for the same rows (the
   * claims of one packet): transactions with the same `group` that arrive together run one after
   * another on one connection, each in a savepoint of one shared transaction, and commit together.
   * Each is still all-or-nothing and unaffected by another's failure; it resolves only once the
   * shared COMMIT succeeded. SQLite groups every transaction already (see SqliteDatabase).
   */
  group?: string;
}

export interface Database {
  readonly dialect: Dialect;
  /** Where the data lives: a SQLite file or a PostgreSQL URL (without its password). */
  readonly location: string;
  prepare<Row = any>(sql: string): Statement<Row>;
  get<Row = any>(sql: string, ...params: Params): Promise<Row | undefined>;
  all<Row = any>(sql: string, ...params: Params): Promise<Row[]>;
  run(sql: string, ...params: Params): Promise<RunResult>;
  /** Runs `fn` as one transaction (see above). Its commit may follow later: await `flush()`. */
  tx<T>(fn: () => Promise<T>, options?: TxOptions): Promise<T>;
  /** True while the calling async context is inside a transaction. */
  readonly inTransaction: boolean;
  /** Runs `callback` once the current transaction commits (at once outside one). */
  onCommit(callback: () => void): void;
  /**
   * Runs `callback` right after the current transaction rolls back, outside it (it may start a
   * transaction of its own). Must be called inside a transaction.
   */
  onRollback(callback: () => void | Promise<void>): void;
  /** Resolves when every transaction run so far by this process is committed (durably). */
  flush(): Promise<void>;
  /**
   * Since opening: transactions committed, COMMITs run (fewer than transactions on SQLite: group
   * commit), and transactions run again after losing a race (PostgreSQL).
   */
  readonly stats: { readonly transactions: number; readonly commits: number; readonly retries: number };
  /** Applies the migrations not yet applied; resolves to how many ran. */
  migrate(): Promise<number>;
  /** Commits what is pending and closes every connection. */
  close(): Promise<void>;
}

/** Which transaction a context is in, on every database (what TxContext.outer captures). */
export type TxOuter = ReadonlyMap<object, unknown> | undefined;

/**
 * Which transaction the calling async context is in, per database. One AsyncLocalStorage for the
 * whole process: in Node 20 every instance stays registered (and is visited on every promise)
 * until disabled, so one per database would pile up with every database a process ever opens.
 */
class TxContext<State> {
  private static readonly storage = new AsyncLocalStorage<ReadonlyMap<object, unknown>>();

  constructor(private readonly owner: object) {}

  /** The state of the owner's transaction this context is in, if any. */
  current(): State | undefined {
    return TxContext.storage.getStore()?.get(this.owner) as State | undefined;
  }

  /** Runs `fn` inside the owner's transaction `state` (keeping any other database's: those of `outer`, by default the caller's). */
  run<T>(state: State, fn: () => T, outer: TxOuter = this.outer()): T {
    const inside = new Map(outer);
    inside.set(this.owner, state);
    return TxContext.storage.run(inside, fn);
  }

  /** The caller's transactions on every database, for `run` to use later from another context. */
  outer(): TxOuter {
    return TxContext.storage.getStore();
  }
}

/** What every open transaction collects, on either store. */
export interface TxCallbacks {
  commit: Array<() => void>;
  rollback: Array<() => void | Promise<void>>;
}

/**
 * What both stores do alike: statements prepared once per SQL text, the one-off helpers, and the
 * transaction's callbacks found through the async context.
 */
export abstract class BaseDatabase<State extends TxCallbacks> {
  protected readonly context = new TxContext<State>(this);
  private readonly statements = new Map<string, Statement<any>>();

  /** A statement of this store for `sql` (called once per SQL text). */
  protected abstract createStatement(sql: string): Statement<any>;

  /** Statements are prepared once per SQL text, however often a store asks for one. */
  prepare<Row = any>(sql: string): Statement<Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.createStatement(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  get<Row = any>(sql: string, ...params: Params): Promise<Row | undefined> {
    return this.prepare<Row>(sql).get(...params);
  }

  all<Row = any>(sql: string, ...params: Params): Promise<Row[]> {
    return this.prepare<Row>(sql).all(...params);
  }

  run(sql: string, ...params: Params): Promise<RunResult> {
    return this.prepare(sql).run(...params);
  }

  get inTransaction(): boolean {
    return this.context.current() !== undefined;
  }

  onCommit(callback: () => void): void {
    const state = this.context.current();
    if (state) state.commit.push(callback);
    else callback();
  }

  onRollback(callback: () => void | Promise<void>): void {
    const state = this.context.current();
    if (!state) throw new Error('onRollback outside a transaction');
    state.rollback.push(callback);
  }
}

/** Whether an error is a uniqueness violation, on either store. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}
