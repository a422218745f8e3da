import { ManualClock } from '../src/clock';
import { DEFAULT_CONFIG } from '../src/config';
import { createRefundSweeper, RefundSweeper } from '../src/services/sweeper';
import type { Database } from '../src/store/sql';
import { createTestApp, type TestApp } from '../src/testing/harness';

let t: TestApp;
const extraConnections: Database[] = [];
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.checkInvariants();
  for (const connection of extraConnections.splice(0)) await connection.close();
  await t.close();
});

const DAY = 86_400_000;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const clock = () => t.clock as ManualClock;
const sweeper = () => t.app.hongbao.services.sweeper as RefundSweeper;
const balance = async (token: string): Promise<number> => (await t.app.inject({ method: 'GET', url: '/v1/wallet', headers: auth(token) })).json().wallet.balance;
const refundTransfers = () =>
  t.database.all<{ reference: string; n: number }>("SELECT reference, COUNT(*) AS n FROM transfers WHERE kind = 'packet.refund' GROUP BY reference ORDER BY reference");
const packetRow = async (id: string) =>
  (await t.database.get<{
    status: string;
    refunded_amount: number;
    refunded_at: number | null;
    version: number;
  }>('SELECT status, refunded_amount, refunded_at, version FROM packets WHERE id = ?', id))!;

async function funded(openid: string, amount: number) {
  const user = await t.login(openid);
  await t.topup(user.token, amount);
  return user;
}
async function send(token: string, body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/packets', headers: auth(token), payload: body });
  expect(res.statusCode).toBe(201);
  return res.json().packet;
}
const claim = (token: string, packetId: string) => t.app.inject({ method: 'POST', url: '/v1/claims', headers: auth(token), payload: { packetId } });

/** A sweeper on a second connection to the same file: what another server process would run. */
function sweeperInAnotherProcess(): RefundSweeper {
  const connection = t.reopen();
  extraConnections.push(connection);
  return createRefundSweeper(connection, { ...DEFAULT_CONFIG, db: t.db }, t.clock);
}

/** `n` packets of 1,000 fen from one sender, each with one share of 100 fen claimed, then expired. */
async function expiredPackets(n: number) {
  const alice = await funded('alice', 100_000);
  const bob = await t.login('bob');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const packet = await send(alice.token, { mode: 'fixed', total: 1_000, count: 10 });
    expect((await claim(bob.token, packet.id)).statusCode).toBe(201);
    ids.push(packet.id);
  }
  clock().advance(DAY);
  return { alice, bob, ids };
}

describe('refund sweeper', () => {
  it('refunds the unclaimed remainder of an expired packet to its sender', async () => {
    const alice = await funded('alice', 10_000);
    const bob = await t.login('bob');
    const packet = await send(alice.token, { mode: 'fixed', total: 1_000, count: 4 });
    await claim(bob.token, packet.id);
    clock().advance(DAY);

    expect(await sweeper().sweep()).toEqual({ expired: 1, refunded: 1, refundedAmount: 750 });

    expect(await balance(alice.token)).toBe(10_000 - 250);
    const view = (await t.app.inject({ method: 'GET', url: `/v1/packets/${packet.id}`, headers: auth(alice.token) })).json().packet;
    expect(view).toMatchObject({ status: 'refunded', refundedAmount: 750, claimedAmount: 250, refundedAt: new Date(clock().now()).toISOString() });
    expect(view.version).toBe(packet.version + 3); // the claim, expiry, refund
    const entries = (await t.app.inject({ method: 'GET', url: '/v1/wallet/entries', headers: auth(alice.token) })).json().data;
    expect(entries[0]).toMatchObject({ kind: 'packet.refund', amount: 750, reference: packet.id });
  });

  it('refunds an expired packet exactly once when run again', async () => {
    const { alice, ids } = await expiredPackets(1);
    expect((await sweeper().sweep()).refunded).toBe(1);
    expect(await sweeper().sweep()).toEqual({ expired: 0, refunded: 0, refundedAmount: 0 });
    expect(await sweeper().refundPacket(ids[0])).toEqual({ expired: false, refundedAmount: 0 });
    expect(await balance(alice.token)).toBe(100_000 - 100);
    expect(await refundTransfers()).toEqual([{ reference: ids[0], n: 1 }]);
  });

  it('leaves packets alone until their window closes', async () => {
    const alice = await funded('alice', 10_000);
    const packet = await send(alice.token, { mode: 'random', total: 1_000, count: 4, expiresIn: 3_600 });
    clock().advance(3_600_000 - 1);
    expect(await sweeper().sweep()).toEqual({ expired: 0, refunded: 0, refundedAmount: 0 });
    expect((await packetRow(packet.id)).status).toBe('active');
    clock().advance(1);
    expect((await sweeper().sweep()).refundedAmount).toBe(1_000);
  });

  it('never refunds a finished packet', async () => {
    const alice = await funded('alice', 10_000);
    const packet = await send(alice.token, { mode: 'fixed', total: 200, count: 2 });
    await claim((await t.login('b')).token, packet.id);
    await claim((await t.login('c')).token, packet.id);
    clock().advance(DAY * 2);
    expect(await sweeper().sweep()).toEqual({ expired: 0, refunded: 0, refundedAmount: 0 });
    expect(await packetRow(packet.id)).toMatchObject({ status: 'finished', refunded_amount: 0, refunded_at: null });
    expect(await refundTransfers()).toEqual([]);
  });

  it('leaves a frozen packet for risk review', async () => {
    const alice = await funded('alice', 10_000);
    const packet = await send(alice.token, { mode: 'fixed', total: 200, count: 2 });
    await t.database.run("UPDATE packets SET status = 'frozen' WHERE id = ?", packet.id);
    clock().advance(DAY);
    expect((await sweeper().sweep()).refunded).toBe(0);
    expect((await packetRow(packet.id)).status).toBe('frozen');
  });

  it('refunds each packet once when two sweepers race, one of them in another process', async () => {
    const { alice, ids } = await expiredPackets(12);
    const results = await Promise.all([sweeper().sweep(), new RefundSweeper(t.app.hongbao.ctx).sweep(), sweeperInAnotherProcess().sweep()]);

    expect(results.reduce((sum, r) => sum + r.refunded, 0)).toBe(12);
    expect(results.reduce((sum, r) => sum + r.expired, 0)).toBe(12);
    expect(results.reduce((sum, r) => sum + r.refundedAmount, 0)).toBe(12 * 900);
    expect(await refundTransfers()).toHaveLength(12);
    expect((await refundTransfers()).every((r) => r.n === 1)).toBe(true);
    for (const id of ids) expect(await packetRow(id)).toMatchObject({ status: 'refunded', refunded_amount: 900 });
    expect(await balance(alice.token)).toBe(100_000 - 12 * 100);
  });

  it('finishes the job exactly once after a sweep stopped half-way', async () => {
    const { alice, ids } = await expiredPackets(5);
    const crash = new Error('process killed');
    await expect(
      sweeper().sweep({
        afterEach: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await refundTransfers()).toHaveLength(1);
    expect(await balance(alice.token)).toBe(100_000 - 5 * 1_000 + 900);
    // What this process committed must be there for the other one.
    await t.database.flush();

    expect(await sweeperInAnotherProcess().sweep()).toEqual({ expired: 4, refunded: 4, refundedAmount: 4 * 900 });
    expect(await sweeper().sweep()).toEqual({ expired: 0, refunded: 0, refundedAmount: 0 });
    for (const id of ids) expect((await packetRow(id)).status).toBe('refunded');
    expect((await refundTransfers()).map((r) => r.n)).toEqual([1, 1, 1, 1, 1]);
    expect(await balance(alice.token)).toBe(100_000 - 5 * 100);
  });

  it('handles at most `limit` packets per run', async () => {
    await expiredPackets(3);
    expect((await sweeper().sweep({ limit: 2 })).refunded).toBe(2);
    expect((await sweeper().sweep({ limit: 2 })).refunded).toBe(1);
  });

  it('sweeps on its timer until stopped', async () => {
    const { ids } = await expiredPackets(2);
    const timed = new RefundSweeper(t.app.hongbao.ctx);
    timed.start(5);
    try {
      const unrefunded = async () => {
        for (const id of ids) if ((await packetRow(id)).status !== 'refunded') return true;
        return false;
      };
      while (await unrefunded()) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      await timed.stop();
    }
    expect(await refundTransfers()).toHaveLength(2);
  });
});
