import { createHash } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './migrations-pg';
import { BaseDatabase, type Database, type Params, type RunResult, type Statement, type TxCallbacks, type TxOptions, type TxOuter } from './sql';

/** BIGINT (money in fen, times in ms, counts) and NUMERIC (sums) read as JS numbers, as on SQLite. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** PostgreSQL errors after which a transaction is simply run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
/**
 * A uniqueness violation against a row another transaction committed meanwhile is, under
 * SERIALIZABLE, a lost race like any other: the transaction that checked "not there yet" (an
 * idempotency key, a claim, an openid) or numbered "largest so far + 1" (the audit chain, webhook
 * deliveries) runs again and now sees the row. A violation that repeats is a real one.
 */
const UNIQUE_RETRIES = 10;
/** Numbered keys: colliding on them says nothing about the request, so they are retried as long as it takes. */
const SEQUENCED_KEYS = new Set(['audit_log_pkey', 'audit_accounts_pkey', 'webhook_deliveries_seq_key']);

const retryable = (error: unknown, attempt: number): boolean => {
  const { code = '', constraint = '' } = error as { code?: string; constraint?: string };
  return RETRYABLE.has(code) || (code === '23505' && (attempt < UNIQUE_RETRIES || SEQUENCED_KEYS.has(constraint)));
};
/** How long a transaction that keeps losing races is run again before the error reaches the caller. */
const RETRY_FOR_MS = 15_000;

/** Before a lost race is run again: a little, more with each attempt, so the racers spread out. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));

/** A rolled-back transaction's callbacks, in order (they run outside it and may start transactions of their own). */
async function runRollbackCallbacks(state: TxCallbacks): Promise<void> {
  for (const callback of state.rollback) await callback();
}

interface TxState extends TxCallbacks {
  client: pg.PoolClient;
}

/** Transactions one commit group takes at most; later ones start the next group (bounds the wait of the last). */
const GROUP_MAX = 64;

/** A transaction waiting for its turn in a commit group. */
interface GroupMember {
  fn: () => Promise<unknown>;
  /** The caller's async context (its transactions on other databases), which `fn` runs in. */
  outer: TxOuter;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Transactions of one group key sharing one connection, one PostgreSQL transaction and one COMMIT. */
interface CommitGroup {
  key: string;
  queue: GroupMember[];
  joined: number;
}

interface Translated {
  /** Statement name for the server-side prepared statement cache of each connection. */
  name: string;
  text: string;
  /** Names of `@name` parameters in `$n` order, or null for positional `?` parameters. */
  names: string[] | null;
}

const translations = new Map<string, Translated>();

/**
 * Rewrites the shared SQL's parameters for PostgreSQL: `@name` and `?` become `$1`, `$2`, …
 * String literals, quoted identifiers and `::` casts are left alone.
 */
export function translate(sql: string): Translated {
  const cached = translations.get(sql);
  if (cached) return cached;
  let text = '';
  const names: string[] = [];
  let positional = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end;
      text += sql.slice(i, stop + 1);
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      text += `$${++positional}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /\w/.test(sql[j])) j++;
      const name = sql.slice(i + 1, j);
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      text += `$${index + 1}`;
      i = j - 1;
    } else {
      text += c;
    }
  }
  if (names.length > 0 && positional > 0) throw new Error(`Mixed ? and @name parameters in: ${sql}`);
  const translated = { name: `hb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text, names: names.length > 0 ? names : null };
  translations.set(sql, translated);
  return translated;
}

function values(translated: Translated, params: Params): unknown[] {
  if (!translated.names) return params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
  const bag = (params[0] ?? {}) as Record<string, unknown>;
  return translated.names.map((name) => {
    if (!(name in bag)) throw new RangeError(`Missing named parameter "${name}"`);
    const value = bag[name];
    return typeof value === 'boolean' ? Number(value) : value;
  });
}

class PostgresStatement<Row> implements Statement<Row> {
  constructor(private readonly database: PostgresDatabase, private readonly sql: string, private readonly plucked = false) {}

  private async query(params: Params): Promise<pg.QueryResult> {
    const translated = translate(this.sql);
    return this.database.query({ name: translated.name, text: translated.text, values: values(translated, params) });
  }

  private shape(result: pg.QueryResult, row: any): any {
    return this.plucked ? row[result.fields[0].name] : row;
  }

  async get(...params: Params): Promise<Row | undefined> {
    const result = await this.query(params);
    return result.rows.length > 0 ? this.shape(result, result.rows[0]) : undefined;
  }

  async all(...params: Params): Promise<Row[]> {
    const result = await this.query(params);
    return this.plucked ? result.rows.map((row) => this.shape(result, row)) : result.rows;
  }

  async run(...params: Params): Promise<RunResult> {
    const result = await this.query(params);
    return { changes: result.rowCount ?? 0 };
  }

  pluck<Value = any>(): Statement<Value> {
    return new PostgresStatement<Value>(this.database, this.sql, true);
  }
}

/**
 * PostgreSQL, for many instances on one database. A pool of connections serves concurrent
 * transactions; each runs SERIALIZABLE, so every service keeps the reasoning it has on SQLite
 * (as if alone), and a transaction that loses a race is run again from the start. Commits are
 * durable before `tx` resolves (PostgreSQL's own group commit batches the WAL flushes).
 *
 * Long-poll wake-ups cross instances through LISTEN/NOTIFY (`listen`/`notify`).
 */
export class PostgresDatabase extends BaseDatabase<TxState> implements Database {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly listeners: pg.Client[] = [];
  private closed = false;
  readonly stats = { transactions: 0, commits: 0, retries: 0 };
  /** Transactions running, and who waits for there to be none (close). */
  private active = 0;
  private idle: Array<() => void> = [];
  /** The open commit group of each group key (see groupTx). */
  private readonly groups = new Map<string, CommitGroup>();

  constructor(readonly url: string, options: { poolSize?: number; onError?: (error: Error) => void } = {}) {
    super();
    this.pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 16, types });
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => options.onError?.(error));
  }

  get location(): string {
    const parsed = new URL(this.url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  }

  /** Runs a query on the calling transaction's connection, or on any pooled one outside a transaction. */
  query(config: pg.QueryConfig): Promise<pg.QueryResult> {
    const state = this.context.current();
    return state ? state.client.query(config) : this.pool.query(config);
  }

  protected createStatement(sql: string): Statement<any> {
    return new PostgresStatement(this, sql);
  }

  async tx<T>(fn: () => Promise<T>, options: TxOptions = {}): Promise<T> {
    if (this.context.current()) return fn();
    if (options.group !== undefined && options.isolation === 'read committed') return this.groupTx(options.group, fn);
    const begin = options.isolation === 'read committed' ? 'BEGIN ISOLATION LEVEL READ COMMITTED' : 'BEGIN ISOLATION LEVEL SERIALIZABLE';
    const client = await this.pool.connect();
    const started = Date.now();
    let released = false;
    this.active++;
    try {
      for (let attempt = 1; ; attempt++) {
        const state: TxState = { client, commit: [], rollback: [] };
        try {
          await client.query(begin);
          const result = await this.context.run(state, fn);
          await client.query('COMMIT');
          this.stats.transactions++;
          this.stats.commits++;
          client.release();
          released = true;
          for (const callback of state.commit) callback();
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (retryable(error, attempt) && Date.now() - started < RETRY_FOR_MS) {
            this.stats.retries++;
            await backOff(attempt);
            continue;
          }
          client.release();
          released = true;
          await runRollbackCallbacks(state);
          throw error;
        }
      }
    } finally {
      if (!released) client.release();
      if (--this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /**
   * Group commit (TxOptions.group): joins the open group of `key`, or opens one. A group takes a
   * connection, and runs its transactions one after another inside one READ COMMITTED transaction,
   * each after the first in a savepoint, until none is waiting; then it commits once and resolves
   * them all. Transactions arriving during that COMMIT open the next group, which works on its own
   * connection meanwhile and waits for the rows this one holds only where they are the same.
   */
  private groupTx<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let group = this.groups.get(key);
    if (!group) {
      group = { key, queue: [], joined: 0 };
      this.groups.set(key, group);
      void this.runGroup(group);
    }
    if (++group.joined >= GROUP_MAX) this.seal(group);
    const joined = group;
    const outer = this.context.outer();
    return new Promise<T>((resolve, reject) => joined.queue.push({ fn, outer, resolve: resolve as (value: unknown) => void, reject }));
  }

  /** No one joins `group` any more (it is about to commit, or full). */
  private seal(group: CommitGroup): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  private async runGroup(group: CommitGroup): Promise<void> {
    this.active++;
    // Members that succeeded, waiting for the COMMIT, with what to run after it.
    const done: Array<{ member: GroupMember; result: unknown; commit: Array<() => void> }> = [];
    let client: pg.PoolClient | null = null;
    let broken: unknown = null;
    try {
      client = await this.pool.connect();
      let open = false;
      // The queue fills while the connection is taken and while each member runs.
      for (let member = group.queue.shift(); member; member = group.queue.shift()) {
        if (broken) {
          member.reject(broken);
          continue;
        }
        const started = Date.now();
        for (let attempt = 1; ; attempt++) {
          // The first member to succeed needs no savepoint: when it fails, the whole transaction goes.
          const savepoint = done.length > 0;
          const state: TxState = { client, commit: [], rollback: [] };
          try {
            if (!open) {
              await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
              open = true;
            }
            // Never released, whether the member succeeds or is rolled back to it: each savepoint
            // nests in the one before (one per member, plus one per re-run), which saves a round
            // trip per member; a rollback goes back to the latest.
            if (savepoint) await client.query('SAVEPOINT member');
            const result = await this.context.run(state, member.fn, member.outer);
            this.stats.transactions++;
            done.push({ member, result, commit: state.commit });
            break;
          } catch (error) {
            try {
              if (savepoint) {
                await client.query('ROLLBACK TO SAVEPOINT member');
              } else if (open) {
                await client.query('ROLLBACK');
                open = false;
              }
            } catch (lost) {
              // The connection is gone: nothing of this group can commit.
              broken = lost;
              member.reject(error);
              break;
            }
            if (retryable(error, attempt) && Date.now() - started < RETRY_FOR_MS) {
              this.stats.retries++;
              await backOff(attempt);
              continue;
            }
            // Its rollback records are written (in a transaction of their own) before it hears of the failure.
            void runRollbackCallbacks(state).then(
              () => member.reject(error),
              () => member.reject(error),
            );
            break;
          }
        }
        if (group.queue.length === 0) this.seal(group);
      }
      if (open && !broken) {
        try {
          await client.query('COMMIT');
          this.stats.commits++;
        } catch (error) {
          broken = error;
        }
      }
    } catch (error) {
      broken = error;
    } finally {
      this.seal(group);
      if (client) {
        if (broken) client.release(broken instanceof Error ? broken : true);
        else client.release();
      }
      for (const member of group.queue.splice(0)) member.reject(broken ?? new Error('commit group closed'));
      for (const { member, result, commit } of done) {
        if (broken) {
          member.reject(broken);
          continue;
        }
        for (const callback of commit) callback();
        member.resolve(result);
      }
      if (--this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Every transaction is committed before `tx` resolves. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Applies pending migrations. An advisory lock makes instances that start together take turns;
   * the second finds nothing left to do.
   */
  async migrate(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('hongbao.migrate'))");
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
      const applied = Number(rows[0].v);
      let ran = 0;
      for (let version = applied + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(POSTGRES_MIGRATIONS[version - 1]);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        ran++;
      }
      return ran;
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('hongbao.migrate'))").catch(() => undefined);
      client.release();
    }
  }

  /** Sends `payload` to every instance listening on `channel` (this one included). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /**
   * Listens on `channel` with a connection of its own, reconnecting when it drops. Resolves once
   * listening; the returned function stops.
   */
  async listen(channel: string, handler: (payload: string) => void, onError: (error: Error) => void = () => undefined): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.url, types });
      next.on('notification', (message) => {
        if (message.channel === channel) handler(message.payload ?? '');
      });
      next.on('error', (error) => {
        onError(error);
        next.end().catch(() => undefined);
        if (!stopped && !this.closed) setTimeout(() => void connect().catch(onError), 1000).unref();
      });
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = next;
      this.listeners.push(next);
    };
    await connect();
    return async () => {
      stopped = true;
      if (client) await client.end().catch(() => undefined);
    };
  }

  /**
   * Lets running transactions finish (a request whose client went away may still be inside one;
   * up to `graceMs`), then closes the listeners and the pool.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.active > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await Promise.all(this.listeners.map((client) => client.end().catch(() => undefined)));
    await this.pool.end();
  }
}

/** Creates a database on the PostgreSQL server of `serverUrl`, empty or as a copy of `template`; resolves to its URL. */
export async function createPostgresDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(
      template
        ? `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`
        : `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by `createPostgresDatabase`, closing any connection still open to it. */
export async function dropPostgresDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
