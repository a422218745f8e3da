/**
 * SQLite durability with group commit: every commit is fsynced (synchronous=FULL), transactions
 * arriving together share one COMMIT, each stays atomic on its own, and nothing is reported before
 * its commit (the HTTP layer awaits `flush()`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from '../../src/store/database';
import { createTestApp, type TestApp } from '../../src/testing/harness';
import { auth } from '../helpers/fresh-app';

let dir: string;
let db: SqliteDatabase;
let other: SqliteDatabase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hongbao-durability-'));
  db = new SqliteDatabase(join(dir, 'hongbao.db'));
  await db.migrate();
  await db.run('CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT NOT NULL)');
  await db.flush();
  other = new SqliteDatabase(join(dir, 'hongbao.db'));
});

afterEach(async () => {
  await other.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const notes = async (database: SqliteDatabase) => (await database.all<{ note: string }>('SELECT note FROM scratch ORDER BY id')).map((row) => row.note);

describe('SQLite store', () => {
  it('is durable by default: each batch is fsynced before flush() resolves, off the event loop', async () => {
    expect(db.durable).toBe(true);
    expect(db.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    // SQLite's NORMAL: COMMIT itself does not sync; the store fsyncs the WAL on the thread pool.
    expect(db.connection.pragma('synchronous', { simple: true })).toBe(1);
    const before = { ...db.stats };
    await db.tx(async () => db.run("INSERT INTO scratch (note) VALUES ('durable')"));
    expect(db.stats.syncs).toBe(before.syncs);
    await db.flush();
    expect(db.stats.commits - before.commits).toBe(1);
    expect(db.stats.syncs - before.syncs).toBe(1);
    expect(new SqliteDatabase(':memory:').durable).toBe(false);
  });

  it('is not durable when told NORMAL', async () => {
    const relaxed = new SqliteDatabase(join(dir, 'relaxed.db'), { synchronous: 'NORMAL' });
    await relaxed.migrate();
    expect(relaxed.durable).toBe(false);
    await relaxed.tx(async () => relaxed.run("INSERT INTO accounts (id, kind, name, tier, created_at) VALUES ('acc_x', 'user', 'x', 'personal', 0)"));
    await relaxed.flush();
    expect(relaxed.stats.syncs).toBe(0);
    await relaxed.close();
  });

  it('commits transactions that arrive together with one COMMIT', async () => {
    const before = { ...db.stats };
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.tx(async () => db.run('INSERT INTO scratch (note) VALUES (?)', `n${i}`))));
    await db.flush();
    expect(db.stats.transactions - before.transactions).toBe(50);
    expect(db.stats.commits - before.commits).toBe(1);
    expect(db.stats.syncs - before.syncs).toBe(1);
    expect(await notes(other)).toHaveLength(50);
  });

  it('rolls back a failing transaction alone, keeping the others of its batch', async () => {
    const commitsBefore = db.stats.commits;
    const results = await Promise.allSettled([
      db.tx(async () => db.run("INSERT INTO scratch (note) VALUES ('first')")),
      db.tx(async () => {
        await db.run("INSERT INTO scratch (note) VALUES ('doomed')");
        await db.run("INSERT INTO scratch (note) VALUES ('doomed too')");
        throw new Error('changed my mind');
      }),
      db.tx(async () => db.run("INSERT INTO scratch (note) VALUES ('third')")),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await db.flush();
    expect(db.stats.commits - commitsBefore).toBe(1);
    expect(await notes(other)).toEqual(['first', 'third']);
  });

  it('runs a write made outside a transaction as one of its own, committed with the batch', async () => {
    const before = { ...db.stats };
    await db.run("INSERT INTO scratch (note) VALUES ('alone')");
    expect(db.stats.transactions - before.transactions).toBe(1);
    expect(await notes(other)).toEqual([]);
    await db.flush();
    expect(await notes(other)).toEqual(['alone']);
  });

  it('keeps a change invisible to other connections until its batch is committed', async () => {
    await db.tx(async () => db.run("INSERT INTO scratch (note) VALUES ('pending')"));
    expect(await notes(other)).toEqual([]);
    await db.flush();
    expect(await notes(other)).toEqual(['pending']);
  });

  it('runs one transaction at a time even when they await in between', async () => {
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        db.tx(async () => {
          order.push(`${name}:start`);
          await db.run('INSERT INTO scratch (note) VALUES (?)', name);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(`${name}:end`);
        }),
      ),
    );
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('runs onCommit callbacks after the commit and onRollback callbacks after a rollback', async () => {
    const seen: string[] = [];
    await db.tx(async () => {
      await db.run("INSERT INTO scratch (note) VALUES ('x')");
      db.onCommit(() => seen.push('committed'));
    });
    expect(seen).toEqual([]);
    await db.flush();
    expect(seen).toEqual(['committed']);
    await expect(
      db.tx(async () => {
        db.onRollback(async () => {
          await db.tx(async () => db.run("INSERT INTO scratch (note) VALUES ('kept after rollback')"));
          seen.push('rolled back');
        });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await db.flush();
    expect(seen).toEqual(['committed', 'rolled back']);
    expect(await notes(other)).toEqual(['x', 'kept after rollback']);
  });
});

describe('claims under group commit', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.checkInvariants();
    await t.close();
  });

  it('answers 40 concurrent claims from batches and a handful of COMMITs, each claim atomic', async () => {
    t = await createTestApp();
    const database = t.database as SqliteDatabase;
    const sender = await t.login('sender');
    await t.topup(sender.token, 10_000);
    const created = await t.app.inject({ method: 'POST', url: '/v1/packets', headers: auth(sender.token), payload: { mode: 'random', total: 4_000, count: 40, message: '大家抢' } });
    const packetId = created.json().packet.id;
    const users = await Promise.all(Array.from({ length: 41 }, (_, i) => t.login(`claimer${i}`)));
    const before = { ...database.stats };
    const responses = await Promise.all(users.map((user) => t.app.inject({ method: 'POST', url: '/v1/claims', headers: auth(user.token), payload: { packetId } })));
    const codes = responses.map((response) => response.statusCode).sort();
    expect(codes.filter((code) => code === 201)).toHaveLength(40);
    expect(responses.filter((response) => response.statusCode === 409).map((response) => response.json().error.code)).toEqual(['PACKET_EXHAUSTED']);
    expect(responses.filter((r) => r.statusCode === 201).reduce((sum, r) => sum + r.json().claim.amount, 0)).toBe(4_000);
    // The claims arriving together were taken in batches (a transaction each, or a claim's own when
    // it came alone), and the transactions shared a handful of COMMITs.
    const claimStats = t.app.hongbao.services.claims.stats;
    const transactions = database.stats.transactions - before.transactions;
    const commits = database.stats.commits - before.commits;
    expect(claimStats.batched).toBeGreaterThan(1);
    expect(transactions).toBeGreaterThanOrEqual(41 - claimStats.batched + claimStats.batches);
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(transactions);
    expect(commits).toBeLessThan(20);
  });
});
