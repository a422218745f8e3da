/**
 * The PostgreSQL store itself: the shared SQL's parameters rewritten for PostgreSQL, numbers read
 * as numbers, transactions that lose a race run again, and callbacks on commit and rollback.
 * Runs on the PostgreSQL server of HONGBAO_TEST_PG (127.0.0.1:5432 by default) and fails when it
 * cannot reach it.
 */
import { SqliteDatabase } from '../../src/store/database';
import { PostgresDatabase, translate } from '../../src/store/postgres';
import { freshPostgresDatabase } from '../../src/testing/postgres';

describe('translate', () => {
  it('numbers @name parameters once each, in order of first use', () => {
    expect(translate('SELECT * FROM t WHERE a = @a AND b = @b OR a2 = @a')).toMatchObject({ text: 'SELECT * FROM t WHERE a = $1 AND b = $2 OR a2 = $1', names: ['a', 'b'] });
  });

  it('numbers ? parameters by position', () => {
    expect(translate('UPDATE t SET a = ? WHERE id = ?')).toMatchObject({ text: 'UPDATE t SET a = $1 WHERE id = $2', names: null });
  });

  it('leaves string literals, quoted names, comments and casts alone', () => {
    const sql = `SELECT '?', 'it''s @x', "@col", CAST(@v AS BIGINT), x::text -- what @y?\nFROM t WHERE id = ?`;
    expect(translate(sql.replace('WHERE id = ?', 'WHERE id = @id')).text).toBe(`SELECT '?', 'it''s @x', "@col", CAST($1 AS BIGINT), x::text -- what @y?\nFROM t WHERE id = $2`);
  });

  it('refuses a statement that mixes both kinds', () => {
    expect(() => translate('SELECT @a, ?')).toThrow(/Mixed/);
  });
});

describe('PostgresDatabase', () => {
  let db: PostgresDatabase;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshPostgresDatabase();
    drop = fresh.drop;
    db = new PostgresDatabase(fresh.url, { poolSize: 8 });
    await db.run('CREATE TABLE counters (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
    await db.run("INSERT INTO counters (id, n) VALUES ('c', 0)");
  });

  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('reads BIGINT, COUNT and SUM as JS numbers, and binds named parameters from an object', async () => {
    expect(await db.get('SELECT CAST(@big AS BIGINT) AS big, COUNT(*) AS n, SUM(n) AS total FROM counters', { big: 2 ** 40 })).toEqual({ big: 2 ** 40, n: 1, total: 0 });
    expect(await db.prepare('SELECT id FROM counters').pluck().all()).toEqual(['c']);
    await expect(db.get('SELECT @missing AS m', {})).rejects.toThrow(/Missing named parameter "missing"/);
  });

  it('runs a transaction that loses a serialization race again, so every increment counts', async () => {
    // Read, wait, then write: under SERIALIZABLE concurrent runs conflict, and the losers re-run.
    let attempts = 0;
    const increment = () =>
      db.tx(async () => {
        attempts++;
        const { n } = (await db.get<{ n: number }>("SELECT n FROM counters WHERE id = 'c'"))!;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await db.run("UPDATE counters SET n = ? WHERE id = 'c'", n + 1);
      });
    await Promise.all(Array.from({ length: 8 }, increment));
    expect(await db.get("SELECT n FROM counters WHERE id = 'c'")).toEqual({ n: 8 });
    expect(attempts).toBeGreaterThan(8);
  });

  it('commits all or nothing, and calls back after the commit or the rollback', async () => {
    const seen: string[] = [];
    await db.tx(async () => {
      await db.run("INSERT INTO counters (id, n) VALUES ('kept', 1)");
      db.onCommit(() => seen.push('committed'));
      expect(db.inTransaction).toBe(true);
    });
    await expect(
      db.tx(async () => {
        await db.run("INSERT INTO counters (id, n) VALUES ('undone', 1)");
        db.onRollback(async () => {
          await db.tx(async () => db.run("INSERT INTO counters (id, n) VALUES ('after', 1)"));
          seen.push('rolled back');
        });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(db.inTransaction).toBe(false);
    expect(seen).toEqual(['committed', 'rolled back']);
    expect(await db.prepare("SELECT id FROM counters WHERE id IN ('kept', 'undone', 'after') ORDER BY id").pluck().all()).toEqual(['after', 'kept']);
  });

  it('reports a real uniqueness violation once it repeats', async () => {
    await expect(db.tx(async () => db.run("INSERT INTO counters (id, n) VALUES ('c', 1)"))).rejects.toMatchObject({ code: '23505' });
  });

  it('delivers NOTIFY to a listener on another connection', async () => {
    const received: string[] = [];
    const stop = await db.listen('hongbao_test_channel', (payload) => received.push(payload));
    await db.notify('hongbao_test_channel', 'hello');
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await stop();
    expect(received).toEqual(['hello']);
  });

  describe('group commit (TxOptions.group)', () => {
    const grouped = { isolation: 'read committed', group: 'g' } as const;
    const counter = async (id: string) => (await db.get<{ n: number }>('SELECT n FROM counters WHERE id = ?', id))?.n;

    it('runs transactions that arrive together in one COMMIT, each seeing the ones before it', async () => {
      await db.run("INSERT INTO counters (id, n) VALUES ('grouped', 0)");
      const commitsBefore = db.stats.commits;
      const committed: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          db.tx(async () => {
            const { n } = (await db.get<{ n: number }>("UPDATE counters SET n = n + 1 WHERE id = 'grouped' RETURNING n"))!;
            db.onCommit(() => committed.push(i));
            return n;
          }, grouped),
        ),
      );
      expect(await counter('grouped')).toBe(30);
      // One after another: every transaction saw exactly the increments before it.
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(committed).toHaveLength(30);
      expect(db.stats.commits - commitsBefore).toBeLessThan(5);
    });

    it('rolls a failing member back alone, and its rollback callback runs before it rejects', async () => {
      await db.run("INSERT INTO counters (id, n) VALUES ('members', 0)");
      const events: string[] = [];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          db.tx(async () => {
            await db.run("UPDATE counters SET n = n + 1 WHERE id = 'members'");
            await db.run('INSERT INTO counters (id, n) VALUES (?, ?)', `member-${i}`, i);
            if (i % 3 === 0) {
              db.onRollback(() => {
                events.push(`rolled back ${i}`);
              });
              throw new Error(`member ${i} fails`);
            }
            return i;
          }, grouped).then(
            (value) => value,
            (error: unknown) => {
              events.push(`rejected ${i}`);
              throw error;
            },
          ),
        ),
      );
      const failed = [0, 3, 6, 9];
      outcomes.forEach((outcome, i) => {
        if (failed.includes(i)) expect(outcome).toMatchObject({ status: 'rejected', reason: { message: `member ${i} fails` } });
        else expect(outcome).toEqual({ status: 'fulfilled', value: i });
      });
      for (const i of failed) {
        expect(events).toContain(`rolled back ${i}`);
        expect(events.indexOf(`rolled back ${i}`)).toBeLessThan(events.indexOf(`rejected ${i}`));
      }
      expect(await counter('members')).toBe(6);
      const kept = await db.prepare("SELECT id FROM counters WHERE id LIKE 'member-%' ORDER BY id").pluck().all();
      expect(kept).toEqual(['member-1', 'member-2', 'member-4', 'member-5', 'member-7', 'member-8']);
    });

    it('keeps a member’s changes invisible to other connections until the group commits', async () => {
      await db.run("INSERT INTO counters (id, n) VALUES ('hidden', 0)");
      let seenOutside: number | undefined;
      await db.tx(async () => {
        await db.run("UPDATE counters SET n = 1 WHERE id = 'hidden'");
        // A read outside any transaction goes to another pooled connection.
        seenOutside = await new Promise<number | undefined>((resolve) => setImmediate(() => void db.pool.query("SELECT n FROM counters WHERE id = 'hidden'").then((r) => resolve(Number(r.rows[0].n)))));
      }, grouped);
      expect(seenOutside).toBe(0);
      expect(await counter('hidden')).toBe(1);
    });

    it('runs each member in its caller’s context: a transaction it is in on another database stays its own', async () => {
      const other = new SqliteDatabase(':memory:');
      try {
        const seen = await Promise.all([
          other.tx(async () => db.tx(async () => other.inTransaction, grouped)),
          db.tx(async () => other.inTransaction, grouped),
        ]);
        expect(seen).toEqual([true, false]);
      } finally {
        await other.close();
      }
    });

    it('runs different groups side by side, on connections of their own', async () => {
      await db.run("INSERT INTO counters (id, n) VALUES ('left', 0), ('right', 0)");
      const inside = new Set<string>();
      const metTheOther: string[] = [];
      // Each side waits, inside its transaction, for the other side to be inside its own.
      const side = (id: string, other: string) =>
        db.tx(async () => {
          inside.add(id);
          await db.run('UPDATE counters SET n = n + 1 WHERE id = ?', id);
          for (let i = 0; i < 50 && !inside.has(other); i++) await new Promise((resolve) => setTimeout(resolve, 20));
          if (inside.has(other)) metTheOther.push(id);
        }, { isolation: 'read committed', group: id });
      await Promise.all([side('left', 'right'), side('right', 'left')]);
      expect(metTheOther.sort()).toEqual(['left', 'right']);
      expect([await counter('left'), await counter('right')]).toEqual([1, 1]);
    });
  });
});
