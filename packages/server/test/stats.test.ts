import { ManualClock } from '../src/clock';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call } from './helpers/codes';

const at = (time: string, day = '2026-02-17') => Date.parse(`${day}T${time}+08:00`);

let t: TestApp;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(at('20:00:00'));
  t = await createTestApp({ clock });
});
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

describe('campaign statistics', () => {
  it('counts issued and claimed shares per batch and per merchant, with conversion over time', async () => {
    const merchant = await t.merchant({ tier: 'provider', name: '新春活动' });
    await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: 100_000 });
    const batch = (await call(t, merchant, 'POST', '/v1/batches', { type: 'packets', items: [
      { mode: 'fixed', total: 300, count: 3 },
      { mode: 'fixed', total: 200, count: 2 },
    ] })).body.batch;
    await t.app.hongbao.services.batchRunner.idle();
    // A packet outside the batch, the next day.
    clock.set(at('10:00:00', '2026-02-18'));
    await call(t, merchant, 'POST', '/v1/packets', { mode: 'fixed', total: 500, count: 5 });
    const packetIds = (await call(t, merchant, 'GET', `/v1/batches/${batch.id}/items`)).body.data.map((item: { resultId: string }) => item.resultId);
    for (const [i, openid] of ['a', 'b', 'c'].entries()) {
      clock.set(at(`1${i}:30:00`, '2026-02-18'));
      const user = await t.login(openid);
      expect((await call(t, user.token, 'POST', '/v1/claims', { packetId: packetIds[0] })).status).toBe(201);
    }

    const byBatch = (await call(t, merchant, 'GET', `/v1/stats/campaign?batchId=${batch.id}`)).body.stats;
    expect(byBatch).toMatchObject({ batchId: batch.id, issuedPackets: 2, issuedShares: 5, issuedAmount: 500, claimedShares: 3, claimedAmount: 300, conversion: 0.6, refundedAmount: 0 });
    expect(byBatch.series).toEqual([
      { period: '2026-02-17', issuedPackets: 2, issuedShares: 5, issuedAmount: 500, claimedShares: 0, claimedAmount: 0, conversion: 0 },
      { period: '2026-02-18', issuedPackets: 0, issuedShares: 0, issuedAmount: 0, claimedShares: 3, claimedAmount: 300, conversion: 0.6 },
    ]);

    const all = (await call(t, merchant, 'GET', '/v1/stats/campaign?granularity=hour&from=2026-02-18')).body.stats;
    expect(all).toMatchObject({ batchId: null, issuedPackets: 1, issuedShares: 5, claimedShares: 3, conversion: 0.6 });
    expect(all.series.map((point: { period: string }) => point.period)).toEqual(['2026-02-18T10', '2026-02-18T11', '2026-02-18T12']);

    const other = await t.merchant({ tier: 'provider', name: '别家' });
    expect((await call(t, other, 'GET', `/v1/stats/campaign?batchId=${batch.id}`)).status).toBe(404);
    const user = await t.login('d');
    expect((await call(t, user.token, 'GET', '/v1/stats/campaign')).body.error.code).toBe('TIER_API_FORBIDDEN');
  });
});
