import { createTestApp, type TestApp } from '../src/testing/harness';

let t: TestApp;
let base: string;
beforeEach(async () => {
  t = await createTestApp();
  base = await t.listen();
});
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function sendPacket(body: Record<string, unknown>) {
  const sender = await t.login('sender');
  await t.topup(sender.token, 100_000);
  const res = await t.app.inject({ method: 'POST', url: '/v1/packets', headers: auth(sender.token), payload: body });
  expect(res.statusCode).toBe(201);
  return res.json().packet;
}

/** A claim over real HTTP, so requests really do arrive at once. */
async function claimOverHttp(token: string, packetId: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/v1/claims`, {
    method: 'POST',
    headers: { ...auth(token), 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ packetId }),
  });
  return { status: res.status, body: await res.json() };
}

const balanceOf = async (userId: string) =>
  (await t.database.get<{ b: number }>("SELECT COALESCE(SUM(balance), 0) AS b FROM ledger_accounts WHERE owner_id = ? AND type = 'wallet'", userId))!.b;

describe('concurrent claims', () => {
  it('hands out exactly 50 shares to 200 users racing for a 50-share packet', async () => {
    const packet = await sendPacket({ mode: 'random', total: 10_000, count: 50 });
    const users = [];
    for (let i = 0; i < 200; i++) users.push(await t.login(`racer-${i}`));

    const commitsBefore = t.database.stats.commits;
    const results = await Promise.all(users.map((user) => claimOverHttp(user.token, packet.id)));

    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(50);
    // PostgreSQL: claims of one packet that arrive together form commit groups, sharing a COMMIT.
    // (SQLite groups by event-loop turn, and these requests mostly arrive in turns of their own.)
    if (t.database.dialect === 'postgres') expect(t.database.stats.commits - commitsBefore).toBeLessThan(won.length);
    expect(lost).toHaveLength(150);
    expect(new Set(lost.map((r) => `${r.status} ${r.body.error.code}`))).toEqual(new Set(['409 PACKET_EXHAUSTED']));
    expect(won.reduce((sum, r) => sum + r.body.claim.amount, 0)).toBe(10_000);
    expect(new Set(won.map((r) => r.body.claim.userId)).size).toBe(50);
    for (const r of won) expect(await balanceOf(r.body.claim.userId)).toBe(r.body.claim.amount);
    const final = await t.database.get('SELECT status, claimed_count, claimed_amount FROM packets WHERE id = ?', packet.id);
    expect(final).toEqual({ status: 'finished', claimed_count: 50, claimed_amount: 10_000 });
    expect(won.filter((r) => r.body.packet.status === 'finished')).toHaveLength(1);
  });

  it('gives one user exactly one claim out of 20 concurrent attempts', async () => {
    const packet = await sendPacket({ mode: 'random', total: 5_000, count: 5 });
    const greedy = await t.login('greedy');

    const results = await Promise.all(Array.from({ length: 20 }, () => claimOverHttp(greedy.token, packet.id)));

    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const rejected = results.filter((r) => r.status !== 201);
    expect(rejected.every((r) => r.status === 409 && r.body.error.code === 'ALREADY_CLAIMED')).toBe(true);
    expect(rejected.every((r) => r.body.error.claim.id === won[0].body.claim.id)).toBe(true);
    expect(await balanceOf(greedy.userId)).toBe(won[0].body.claim.amount);
  });

  it('answers every concurrent retry of one Idempotency-Key with the same single claim', async () => {
    const packet = await sendPacket({ mode: 'random', total: 5_000, count: 5 });
    const bob = await t.login('bob');

    const results = await Promise.all(Array.from({ length: 10 }, () => claimOverHttp(bob.token, packet.id, { 'idempotency-key': 'tap-once' })));

    expect(results.map((r) => `${r.status} ${r.body.error?.code ?? ""}`)).toEqual(Array(10).fill("201 "));
    expect(new Set(results.map((r) => r.body.claim.id)).size).toBe(1);
    expect(await balanceOf(bob.userId)).toBe(results[0].body.claim.amount);
  });
});
