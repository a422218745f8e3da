/**
 * The PostgreSQL migrations mirror the SQLite ones one for one: after each migration step both
 * stores have the same tables, the same columns in the same order with the same NOT NULL flags,
 * the same keys and the same indexes, and the column types follow the translation rules documented
 * in src/store/migrations-pg.ts.
 *
 * Needs PostgreSQL 15 on 127.0.0.1:5432 (user postgres, trust auth): the test creates a scratch
 * database, and fails — it does not skip — when the server cannot be reached.
 */
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { Client, type ClientConfig } from 'pg';
import { MIGRATIONS } from '../../src/store/migrations';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations-pg';

const SERVER: ClientConfig = { host: '127.0.0.1', port: 5432, user: 'postgres', connectionTimeoutMillis: 10_000 };

interface Column {
  name: string;
  notNull: boolean;
  /** The PostgreSQL type the column has (or, for SQLite, should have under the translation rules). */
  type: string;
  default: string | null;
}

interface Index {
  columns: string[];
  unique: boolean;
  /** The partial index's predicate, normalized; null for a full index. */
  where: string | null;
}

interface Table {
  columns: Column[];
  primaryKey: string[];
  /** UNIQUE constraints as 'a,b', sorted. */
  unique: string[];
  /** Foreign keys as 'a,b -> table(x,y)', sorted. */
  foreignKeys: string[];
  /** Indexes created by CREATE INDEX (not the ones behind PRIMARY KEY or UNIQUE constraints). */
  indexes: Record<string, Index>;
}

type Schema = Record<string, Table>;

/** Lowercase, no parentheses, single spaces: `(reference IS NOT NULL)` = `reference IS NOT NULL`. */
const normalizePredicate = (sql: string) => sql.replace(/[()]/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();

/** A default as written, without PostgreSQL's casts: `'user'::text` = `'user'`. */
const normalizeDefault = (sql: string | null) => (sql === null ? null : sql.replace(/::[a-z ]+$/i, '').trim());

function sqliteSchema(db: Sqlite.Database): Schema {
  const schema: Schema = {};
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    const info = db.prepare('SELECT * FROM pragma_table_info(?) ORDER BY cid').all(table) as Array<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>;
    const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    // A rowid alias: INTEGER PRIMARY KEY [AUTOINCREMENT], an identity column on PostgreSQL.
    const rowidAlias = primaryKey.length === 1 && info.find((c) => c.name === primaryKey[0])!.type.toUpperCase() === 'INTEGER';
    const typeOf = (c: (typeof info)[number]) => {
      switch (c.type.toUpperCase()) {
        case 'INTEGER':
          return rowidAlias && c.name === primaryKey[0] ? 'bigint identity' : 'bigint';
        case 'TEXT':
          return 'text collate C';
        case 'BLOB':
          return 'bytea';
        default:
          return `untranslated ${c.type}`;
      }
    };
    const columns = info.map((c) => ({
      name: c.name,
      // A PostgreSQL PRIMARY KEY implies NOT NULL; SQLite does not flag (nor, for a TEXT key of a
      // rowid table, enforce) it, so a key column counts as NOT NULL here.
      notNull: c.notnull === 1 || c.pk > 0,
      type: typeOf(c),
      default: normalizeDefault(c.dflt_value),
    }));

    const indexList = db.prepare('SELECT * FROM pragma_index_list(?)').all(table) as Array<{
      name: string;
      unique: number;
      origin: 'c' | 'u' | 'pk';
      partial: number;
    }>;
    const indexColumns = (name: string) =>
      (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(name) as string[]);
    const unique = indexList.filter((i) => i.origin === 'u').map((i) => indexColumns(i.name).join(',')).sort();
    const indexes: Record<string, Index> = {};
    for (const index of indexList.filter((i) => i.origin === 'c')) {
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(index.name) as string;
      const where = index.partial ? /\bWHERE\b([\s\S]*)$/i.exec(sql)![1] : null;
      indexes[index.name] = { columns: indexColumns(index.name), unique: index.unique === 1, where: where === null ? null : normalizePredicate(where) };
    }

    const fks = db.prepare('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as Array<{
      id: number;
      table: string;
      from: string;
      to: string | null;
    }>;
    const byId = new Map<number, typeof fks>();
    for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
    const foreignKeys = [...byId.values()]
      .map((parts) => `${parts.map((p) => p.from).join(',')} -> ${parts[0].table}(${parts.map((p) => p.to).join(',')})`)
      .sort();

    schema[table] = { columns, primaryKey, unique, foreignKeys, indexes };
  }
  return schema;
}

async function postgresSchema(client: Client): Promise<Schema> {
  const schema: Schema = {};
  const tables = (
    await client.query<{ oid: number; name: string }>(
      `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    )
  ).rows;
  const attnames = (array: string, rel: string) =>
    `ARRAY(SELECT a.attname::text FROM unnest(${array}) WITH ORDINALITY k(n, o)
           JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.n ORDER BY k.o)`;
  for (const { oid, name } of tables) {
    const columns = (
      await client.query<{ name: string; not_null: boolean; type: string; collation: string | null; identity: string; default: string | null }>(
        `SELECT a.attname AS name, a.attnotnull AS not_null, format_type(a.atttypid, a.atttypmod) AS type,
                co.collname AS collation, a.attidentity AS identity, pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [oid],
      )
    ).rows.map((c) => ({
      name: c.name,
      notNull: c.not_null,
      type: [c.type, c.identity === 'd' ? 'identity' : c.identity === 'a' ? 'identity always' : '', c.collation ? `collate ${c.collation}` : '']
        .filter(Boolean)
        .join(' '),
      default: normalizeDefault(c.default),
    }));

    const constraints = (
      await client.query<{ type: string; columns: string[]; ref: string | null; ref_columns: string[] | null }>(
        `SELECT c.contype AS type, ${attnames('c.conkey', 'c.conrelid')} AS columns,
                c.confrelid::regclass::text AS ref, ${attnames('c.confkey', 'c.confrelid')} AS ref_columns
         FROM pg_constraint c WHERE c.conrelid = $1 AND c.contype IN ('p', 'u', 'f')`,
        [oid],
      )
    ).rows;
    const primaryKey = constraints.find((c) => c.type === 'p')?.columns ?? [];
    const unique = constraints.filter((c) => c.type === 'u').map((c) => c.columns.join(',')).sort();
    const foreignKeys = constraints
      .filter((c) => c.type === 'f')
      .map((c) => `${c.columns.join(',')} -> ${c.ref}(${c.ref_columns!.join(',')})`)
      .sort();

    const indexRows = (
      await client.query<{ name: string; columns: string[]; unique: boolean; where: string | null }>(
        `SELECT i.relname AS name, ${attnames('x.indkey::int2[]', 'x.indrelid')} AS columns, x.indisunique AS unique,
                pg_get_expr(x.indpred, x.indrelid) AS where
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid = $1
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))`,
        [oid],
      )
    ).rows;
    const indexes: Record<string, Index> = {};
    for (const row of indexRows) indexes[row.name] = { columns: row.columns, unique: row.unique, where: row.where === null ? null : normalizePredicate(row.where) };

    schema[name] = { columns, primaryKey, unique, foreignKeys, indexes };
  }
  return schema;
}

const steps = Math.min(MIGRATIONS.length, POSTGRES_MIGRATIONS.length);
/** After migration step i (1-based): both schemas. */
const snapshots: Array<{ sqlite: Schema; postgres: Schema }> = [];
const database = `hongbao_parity_${randomBytes(6).toString('hex')}`;
let admin: Client | null = null;
let client: Client | null = null;
let created = false;

beforeAll(async () => {
  admin = new Client({ ...SERVER, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  created = true;
  client = new Client({ ...SERVER, database });
  await client.connect();

  const sqlite = new Sqlite(':memory:');
  try {
    sqlite.pragma('foreign_keys = ON');
    for (let i = 0; i < steps; i++) {
      sqlite.transaction(() => sqlite.exec(MIGRATIONS[i]))();
      await client.query('BEGIN');
      try {
        await client.query(POSTGRES_MIGRATIONS[i]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`POSTGRES_MIGRATIONS[${i}] failed: ${(error as Error).message}`);
      }
      snapshots.push({ sqlite: sqliteSchema(sqlite), postgres: await postgresSchema(client) });
    }
  } finally {
    sqlite.close();
  }
});

afterAll(async () => {
  await client?.end().catch(() => undefined);
  if (admin) {
    if (created) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
});

it('has as many PostgreSQL migrations as SQLite ones', () => {
  expect(POSTGRES_MIGRATIONS.length).toBe(MIGRATIONS.length);
});

describe.each(Array.from({ length: steps }, (_, i) => i + 1))('after migration %i', (step) => {
  const both = () => snapshots[step - 1];

  it('both stores have the same tables', () => {
    const { sqlite, postgres } = both();
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
  });

  it('every table has the same columns, in the same order, with the same NOT NULL flags', () => {
    const { sqlite, postgres } = both();
    for (const table of Object.keys(sqlite)) {
      const shape = (t: Table | undefined) => t?.columns.map((c) => `${c.name}${c.notNull ? ' NOT NULL' : ''}`);
      expect({ table, columns: shape(postgres[table]) }).toEqual({ table, columns: shape(sqlite[table]) });
    }
  });

  it('column types and defaults follow the translation rules', () => {
    const { sqlite, postgres } = both();
    for (const table of Object.keys(sqlite)) {
      expect({ table, columns: postgres[table]?.columns }).toEqual({ table, columns: sqlite[table].columns });
    }
  });

  it('both stores have the same index names, and the same indexes behind them', () => {
    const { sqlite, postgres } = both();
    const names = (schema: Schema) => Object.values(schema).flatMap((t) => Object.keys(t.indexes)).sort();
    expect(names(postgres)).toEqual(names(sqlite));
    for (const table of Object.keys(sqlite)) {
      expect({ table, indexes: postgres[table]?.indexes }).toEqual({ table, indexes: sqlite[table].indexes });
    }
  });

  it('every table has the same primary key, UNIQUE constraints and foreign keys', () => {
    const { sqlite, postgres } = both();
    for (const table of Object.keys(sqlite)) {
      const keys = (t: Table | undefined) => t && { primaryKey: t.primaryKey, unique: t.unique, foreignKeys: t.foreignKeys };
      expect({ table, ...keys(postgres[table]) }).toEqual({ table, ...keys(sqlite[table]) });
    }
  });
});
