import type { MerchantCredentials } from '@hongbao/protocol';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../src/cli';
import { progressBar } from '../src/cli-merchant';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call } from './helpers/codes';
import { restart } from './helpers/merchant-ops';

let t: TestApp;
let closed = false;
beforeEach(async () => {
  t = await createTestApp();
  closed = false;
});
afterEach(async () => {
  if (!closed) {
    await t.checkInvariants();
    await t.close();
  }
});

async function provider(funds = 10_000_000): Promise<MerchantCredentials> {
  const merchant = await t.merchant({ tier: 'provider', name: '新春活动' });
  if (funds > 0) await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: funds });
  return merchant;
}

const packetCsv = (rows: number) => ['mode,total,count,message,scene', ...Array.from({ length: rows }, (_, i) => `random,${100 + (i % 7)},${1 + (i % 3)},"新年快乐, 第${i}号",new-year`)].join('\n');

const count = async (sql: string, ...args: unknown[]) => (await t.database.get<{ n: number }>(sql, ...args))!.n;

/** Thousands of item transactions: a few ms each on PostgreSQL (network round trips), and CI runs suites side by side. */
const BIG_BATCH_TIMEOUT = 300_000;

describe('batch issuance', () => {
  it('issues 10,000 packets from JSON items in the background', async () => {
    const merchant = await provider();
    const items = Array.from({ length: 10_000 }, (_, i) => ({ mode: 'fixed', total: 100, count: 1 + (i % 2), message: '新春红包' }));
    const created = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', items }, { 'idempotency-key': 'spring-2026' });
    expect(created.status).toBe(202);
    expect(created.body.batch).toMatchObject({ type: 'packets', status: 'running', total: 10_000, succeeded: 0, failed: 0 });
    await t.app.hongbao.services.batchRunner.idle();
    const batch = (await call(t, merchant, 'GET', `/v1/batches/${created.body.batch.id}`)).body.batch;
    expect(batch).toMatchObject({ status: 'completed', succeeded: 10_000, failed: 0, completedAt: expect.any(String) });
    expect(await count('SELECT COUNT(*) AS n FROM packets WHERE sender_id = ?', merchant.accountId)).toBe(10_000);
    expect(await count('SELECT COUNT(DISTINCT result_id) AS n FROM batch_items WHERE batch_id = ?', batch.id)).toBe(10_000);
    expect(await t.app.hongbao.ctx.stores.ledger.balanceOf(merchant.accountId, 'wallet')).toBe(10_000_000 - 1_000_000);

    // The same request again is the same batch, not a second one.
    const replay = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', items }, { 'idempotency-key': 'spring-2026' });
    expect(replay.body.batch.id).toBe(batch.id);
    expect(await count('SELECT COUNT(*) AS n FROM batches')).toBe(1);
  }, BIG_BATCH_TIMEOUT);

  it('completes with no duplicates when the server stops half-way and restarts', async () => {
    const merchant = await provider();
    const created = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', csv: packetCsv(3_000) });
    const batchId = created.body.batch.id;
    const progress = async () => (await t.database.get<{ succeeded: number }>('SELECT succeeded FROM batches WHERE id = ?', batchId))!;
    while ((await progress()).succeeded < 1_000) await new Promise((resolve) => setImmediate(resolve));

    const reopened = await restart(t, t.clock);
    closed = true;
    try {
      const stoppedAt = (await reopened.database.get<{ succeeded: number; status: string }>('SELECT succeeded, status FROM batches WHERE id = ?', batchId))!;
      expect(stoppedAt.status).toBe('running');
      expect(stoppedAt.succeeded).toBeGreaterThanOrEqual(1_000);
      expect(stoppedAt.succeeded).toBeLessThan(3_000);
      // What a server start does: carry on with unfinished batches.
      reopened.services.batchRunner.kick();
      await reopened.services.batchRunner.idle();
      const db = reopened.database;
      expect(await db.get('SELECT status, succeeded, failed FROM batches WHERE id = ?', batchId)).toEqual({ status: 'completed', succeeded: 3_000, failed: 0 });
      expect(await db.get('SELECT COUNT(*) AS n FROM packets WHERE sender_id = ?', merchant.accountId)).toEqual({ n: 3_000 });
      expect(await db.get('SELECT COUNT(DISTINCT result_id) AS n FROM batch_items WHERE batch_id = ?', batchId)).toEqual({ n: 3_000 });
      // Each packet is the one its row asked for.
      const sample = await db.all('SELECT i.seq, p.total, p.count, p.message FROM batch_items i JOIN packets p ON p.id = i.result_id WHERE i.batch_id = ? AND i.seq IN (0, 1500, 2999) ORDER BY i.seq', batchId);
      expect(sample).toEqual([
        { seq: 0, total: 100, count: 1, message: '新年快乐, 第0号' },
        { seq: 1500, total: 100 + (1500 % 7), count: 1, message: '新年快乐, 第1500号' },
        { seq: 2999, total: 100 + (2999 % 7), count: 3, message: '新年快乐, 第2999号' },
      ]);
      await reopened.checkInvariants();
    } finally {
      await reopened.close();
    }
  }, BIG_BATCH_TIMEOUT);

  it('fails the items a merchant cannot pay for, and finishes the rest', async () => {
    const merchant = await provider(250);
    const created = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', items: [{ mode: 'random', total: 100, count: 2 }, { mode: 'random', total: 100, count: 2 }, { mode: 'random', total: 100, count: 2 }] });
    await t.app.hongbao.services.batchRunner.idle();
    const batch = (await call(t, merchant, 'GET', `/v1/batches/${created.body.batch.id}`)).body.batch;
    expect(batch).toMatchObject({ status: 'completed', succeeded: 2, failed: 1 });
    const items = (await call(t, merchant, 'GET', `/v1/batches/${batch.id}/items?limit=2`)).body;
    expect(items.data).toEqual([
      { seq: 0, status: 'succeeded', resultId: expect.stringMatching(/^pk_/), error: null },
      { seq: 1, status: 'succeeded', resultId: expect.stringMatching(/^pk_/), error: null },
    ]);
    const rest = (await call(t, merchant, 'GET', `/v1/batches/${batch.id}/items?cursor=${items.nextCursor}`)).body;
    expect(rest).toEqual({ data: [{ seq: 2, status: 'failed', resultId: null, error: { code: 'INSUFFICIENT_FUNDS', message: expect.any(String) } }], nextCursor: null });
  });

  it('creates collect codes from CSV', async () => {
    const merchant = await provider(0);
    const csv = 'title,fixedAmount,scene\n门店一,1880,new-year\n门店二,,\n"门店,三",666,wedding\n';
    const created = await call(t, merchant, 'POST', '/v1/batches', { type: 'collect-codes', csv });
    await t.app.hongbao.services.batchRunner.idle();
    const batch = (await call(t, merchant, 'GET', `/v1/batches/${created.body.batch.id}`)).body.batch;
    expect(batch).toMatchObject({ status: 'completed', succeeded: 3, total: 3 });
    // In the order of the batch's rows (ids made in the same millisecond do not sort by creation).
    const codes = await t.database.all(
      'SELECT c.title, c.fixed_amount, c.scene FROM batch_items i JOIN codes c ON c.id = i.result_id WHERE i.batch_id = ? AND c.owner_id = ? ORDER BY i.seq',
      batch.id,
      merchant.accountId,
    );
    expect(codes).toEqual([
      { title: '门店一', fixed_amount: 1880, scene: 'new-year' },
      { title: '门店二', fixed_amount: null, scene: null },
      { title: '门店,三', fixed_amount: 666, scene: 'wedding' },
    ]);
  });

  it('refuses a batch with any invalid item, naming it, and changes nothing', async () => {
    const merchant = await provider();
    const bad = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', items: [{ mode: 'random', total: 100, count: 1 }, { mode: 'random', total: 'lots', count: 1 }] });
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'items.1.total' });
    const badCsv = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', csv: 'mode,total,count\nrandom,100,1\nrandom,100,1,extra\n' });
    expect(badCsv.body.error.message).toMatch(/csv row 3 has 4 fields/);
    const badField = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', csv: 'mode,total,count,colour\nrandom,100,1,red\n' });
    expect(badField.body.error.message).toMatch(/csv row 2: colour is not a known field/);
    const both = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', csv: 'mode\n', items: [{}] });
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
    const tooMany = await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', csv: packetCsv(10_001) });
    expect(tooMany.body.error.message).toMatch(/at most 10000/);
    expect(await count('SELECT COUNT(*) AS n FROM batches')).toBe(0);
  });

  it('is for the provider tier only', async () => {
    const enterprise = await t.merchant({ tier: 'enterprise', name: '企业' });
    const answer = await call(t, enterprise, 'POST', '/v1/batches', { type: 'packets', items: [{ mode: 'random', total: 100, count: 1 }] });
    expect(answer.body.error.code).toBe('TIER_API_FORBIDDEN');
    const user = await t.login('alice');
    expect((await call(t, user.token, 'POST', '/v1/batches', { type: 'packets', items: [{ mode: 'random', total: 100, count: 1 }] })).body.error.code).toBe('TIER_API_FORBIDDEN');
    const other = await provider();
    const mine = await provider();
    const created = await call(t, mine, 'POST', '/v1/batches', { type: 'packets', items: [{ mode: 'random', total: 100, count: 1 }] });
    expect((await call(t, other, 'GET', `/v1/batches/${created.body.batch.id}`)).status).toBe(404);
    await t.app.hongbao.services.batchRunner.idle();
  });
});

describe('hongbao-server batch create', () => {
  it('issues a CSV file’s packets for a merchant with a progress bar', async () => {
    const merchant = await provider();
    const file = join(dirname(t.file), 'campaign.csv');
    writeFileSync(file, packetCsv(300));
    await t.database.flush();
    let stdout = '';
    let stderr = '';
    const result = await runCli(['batch', 'create', file, '--merchant', merchant.appId, '--db', t.db], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
    });
    expect(result.exitCode).toBe(0);
    expect(stdout).toMatch(/^Batch bat_\S+: 300 packets\.\nCompleted: 300 created, 0 failed\.\n$/);
    expect(stderr).toContain(`\r${progressBar(300, 300)}`);
    expect(await count('SELECT COUNT(*) AS n FROM packets WHERE sender_id = ?', merchant.accountId)).toBe(300);
  }, 60_000);

  it('draws the bar in proportion', () => {
    expect(progressBar(0, 4, 8)).toBe('[--------]   0%  0/4');
    expect(progressBar(1, 4, 8)).toBe('[##------]  25%  1/4');
    expect(progressBar(4, 4, 8)).toBe('[########] 100%  4/4');
  });
});
