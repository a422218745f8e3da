import { ManualClock } from '../src/clock';
import type { TestApp } from '../src/testing/harness';
import { auth, freshAppPerTest } from './helpers/fresh-app';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

const clock = () => t.clock as ManualClock;
const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: auth(token) });
const balance = async (token: string): Promise<number> => (await get(token, '/v1/wallet')).json().wallet.balance;
const claim = (token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/claims', headers: { ...auth(token), ...headers }, payload });
const claimCount = async () => (await t.database.get<{ n: number }>('SELECT COUNT(*) AS n FROM claims'))!.n;

async function sendPacket(body: Record<string, unknown>, openid = 'sender') {
  const sender = await t.login(openid, { name: '老板' });
  await t.topup(sender.token, 100_000);
  const res = await t.app.inject({ method: 'POST', url: '/v1/packets', headers: auth(sender.token), payload: body });
  expect(res.statusCode).toBe(201);
  return { sender, packet: res.json().packet };
}

/** Sends a claim that must be rejected, and checks that no balance, claim or packet changed. */
async function expectRejected(token: string, payload: Record<string, unknown>, status: number, code: string, watched: string[] = []) {
  const packetsBefore = await t.database.all('SELECT id, claimed_count, claimed_amount, version, status FROM packets ORDER BY id');
  const balancesBefore = await Promise.all([token, ...watched].map(balance));
  const claimsBefore = await claimCount();
  const res = await claim(token, payload);
  expect(res.statusCode).toBe(status);
  expect(res.json().error.code).toBe(code);
  expect(await Promise.all([token, ...watched].map(balance))).toEqual(balancesBefore);
  expect(await claimCount()).toBe(claimsBefore);
  expect(await t.database.all('SELECT id, claimed_count, claimed_amount, version, status FROM packets ORDER BY id')).toEqual(packetsBefore);
  return res.json().error;
}

describe('claiming a share', () => {
  it('pays the next share into the claimer’s wallet and answers 201 with the claim and the packet', async () => {
    const { packet } = await sendPacket({ mode: 'random', total: 1_000, count: 3 });
    const bob = await t.login('bob', { name: '小明' });
    const res = await claim(bob.token, { packetId: packet.id, deviceId: 'device-1' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.claim).toMatchObject({ packetId: packet.id, userId: bob.userId, name: '小*', amount: expect.any(Number), createdAt: expect.any(String) });
    expect(body.packet).toMatchObject({ id: packet.id, claimedCount: 1, claimedAmount: body.claim.amount, version: 2, status: 'active' });
    expect(await balance(bob.token)).toBe(body.claim.amount);
    const entries = (await get(bob.token, '/v1/wallet/entries')).json().data;
    expect(entries[0]).toMatchObject({ kind: 'packet.claim', amount: body.claim.amount, reference: body.claim.id });
    const stored = await t.database.get('SELECT slot, device_id FROM claims WHERE id = ?', body.claim.id);
    expect(stored).toEqual({ slot: 0, device_id: 'device-1' });
  });

  it('takes shares in slot order', async () => {
    const { packet } = await sendPacket({ mode: 'random', total: 5_000, count: 4 });
    const shares = (await t.database.all<{ amount: number }>('SELECT amount FROM packet_shares WHERE packet_id = ? ORDER BY slot', packet.id)).map((s) => s.amount);
    const got = [];
    for (let i = 0; i < 4; i++) got.push((await claim((await t.login(`u${i}`)).token, { packetId: packet.id })).json().claim.amount);
    expect(got).toEqual(shares);
  });

  it('records the session’s device when the body names none', async () => {
    const { packet } = await sendPacket({ mode: 'fixed', total: 200, count: 2 });
    const bob = await t.login('bob', { deviceId: 'phone-7' });
    const { claim: made } = (await claim(bob.token, { packetId: packet.id })).json();
    expect(await t.database.get('SELECT device_id FROM claims WHERE id = ?', made.id)).toEqual({ device_id: 'phone-7' });
  });

  it('finishes the packet with the last share and names the luckiest claim', async () => {
    const { sender, packet } = await sendPacket({ mode: 'random', total: 999, count: 3 });
    const claims = [];
    for (const openid of ['a', 'b', 'c']) claims.push((await claim((await t.login(openid)).token, { packetId: packet.id })).json());
    const last = claims[2].packet;
    expect(last).toMatchObject({ status: 'finished', claimedCount: 3, claimedAmount: 999 });
    expect(last.finishedAt).not.toBeNull();
    const best = claims.map((c) => c.claim).sort((x, y) => y.amount - x.amount)[0];
    expect(last.luckiest).toMatchObject({ claimId: best.id, amount: best.amount });
    expect((await get(sender.token, `/v1/wallet`)).json().wallet.balance).toBe(100_000 - 999);
  });

  it('lets the sender claim a share of their own group packet', async () => {
    const { sender, packet } = await sendPacket({ mode: 'fixed', total: 300, count: 3 });
    const res = await claim(sender.token, { packetId: packet.id });
    expect(res.statusCode).toBe(201);
    expect(await balance(sender.token)).toBe(100_000 - 300 + 100);
  });

  it('lets the recipient claim an exclusive packet', async () => {
    const bob = await t.login('bob');
    const { packet } = await sendPacket({ mode: 'exclusive', total: 1_314, count: 1, recipient: bob.userId });
    const res = await claim(bob.token, { packetId: packet.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().claim.amount).toBe(1_314);
    expect(res.json().packet.status).toBe('finished');
  });

  it('claims through a scanned claim code token', async () => {
    const { sender, packet } = await sendPacket({ mode: 'random', total: 1_000, count: 2 });
    const issued = await t.app.inject({ method: 'POST', url: `/v1/packets/${packet.id}/codes`, headers: auth(sender.token), payload: {} });
    expect(issued.statusCode).toBe(201);
    const bob = await t.login('bob');
    const res = await claim(bob.token, { token: issued.json().code.token });
    expect(res.statusCode).toBe(201);
    expect(res.json().claim.packetId).toBe(packet.id);
    expect(await balance(bob.token)).toBe(res.json().claim.amount);
  });

  it('returns the first claim again for a repeated Idempotency-Key', async () => {
    const { packet } = await sendPacket({ mode: 'random', total: 1_000, count: 5 });
    const bob = await t.login('bob');
    const first = await claim(bob.token, { packetId: packet.id }, { 'idempotency-key': 'claim-1' });
    const again = await claim(bob.token, { packetId: packet.id }, { 'idempotency-key': 'claim-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await claimCount()).toBe(1);
  });
});

describe('rejected claims change nothing', () => {
  it('needs exactly one of token or packetId', async () => {
    const { packet } = await sendPacket({ mode: 'fixed', total: 100, count: 1 });
    const bob = await t.login('bob');
    const neither = await expectRejected(bob.token, {}, 400, 'VALIDATION_FAILED');
    expect(neither.field).toBe('token');
    const both = await expectRejected(bob.token, { token: 'abc', packetId: packet.id }, 400, 'VALIDATION_FAILED');
    expect(both.field).toBe('packetId');
  });

  it('rejects unknown fields and malformed ids', async () => {
    const bob = await t.login('bob');
    expect((await expectRejected(bob.token, { packetId: 'pk_1', amount: 5 }, 400, 'VALIDATION_FAILED')).field).toBe('amount');
    expect((await expectRejected(bob.token, { packetId: 'not an id!' }, 400, 'VALIDATION_FAILED')).field).toBe('packetId');
  });

  it('answers CODE_INVALID for a tampered token', async () => {
    const { sender, packet } = await sendPacket({ mode: 'random', total: 1_000, count: 2 });
    const { token } = (await t.app.inject({ method: 'POST', url: `/v1/packets/${packet.id}/codes`, headers: auth(sender.token), payload: {} })).json().code;
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const bob = await t.login('bob');
    await expectRejected(bob.token, { token: tampered }, 400, 'CODE_INVALID', [sender.token]);
  });

  it('answers NOT_FOUND for an unknown packet', async () => {
    const bob = await t.login('bob');
    await expectRejected(bob.token, { packetId: 'pk_unknown' }, 404, 'NOT_FOUND');
  });

  it('answers ALREADY_CLAIMED with the earlier claim', async () => {
    const { packet } = await sendPacket({ mode: 'random', total: 1_000, count: 5 });
    const bob = await t.login('bob', { name: 'Bobby' });
    const first = (await claim(bob.token, { packetId: packet.id })).json().claim;
    const error = await expectRejected(bob.token, { packetId: packet.id }, 409, 'ALREADY_CLAIMED');
    expect(error.claim).toEqual(first);
    expect(error.claim.name).toBe('B***y');
  });

  it('answers PACKET_EXHAUSTED once every share is taken', async () => {
    const { sender, packet } = await sendPacket({ mode: 'fixed', total: 200, count: 2 });
    await claim((await t.login('a')).token, { packetId: packet.id });
    await claim((await t.login('b')).token, { packetId: packet.id });
    const late = await t.login('late');
    await expectRejected(late.token, { packetId: packet.id }, 409, 'PACKET_EXHAUSTED', [sender.token]);
  });

  it('answers PACKET_EXPIRED once the claim window has closed', async () => {
    const { sender, packet } = await sendPacket({ mode: 'random', total: 1_000, count: 5, expiresIn: 3_600 });
    const bob = await t.login('bob');
    clock().advance(3_600_000);
    const error = await expectRejected(bob.token, { packetId: packet.id }, 410, 'PACKET_EXPIRED', [sender.token]);
    expect(error.message).toMatch(/window has closed/);
  });

  it('answers PACKET_EXPIRED for a refunded packet', async () => {
    const { sender, packet } = await sendPacket({ mode: 'random', total: 1_000, count: 5 });
    clock().advance(86_400_000 + 1);
    expect((await t.app.hongbao.services.sweeper.sweep()).refunded).toBe(1);
    const bob = await t.login('bob');
    await expectRejected(bob.token, { packetId: packet.id }, 410, 'PACKET_EXPIRED', [sender.token]);
  });

  it('answers NOT_RECIPIENT to anyone but an exclusive packet’s recipient, the sender included', async () => {
    const bob = await t.login('bob');
    const { sender, packet } = await sendPacket({ mode: 'exclusive', total: 500, count: 1, recipient: bob.userId });
    const carol = await t.login('carol');
    await expectRejected(carol.token, { packetId: packet.id }, 403, 'NOT_RECIPIENT', [bob.token]);
    await expectRejected(sender.token, { packetId: packet.id }, 403, 'NOT_RECIPIENT', [bob.token]);
  });

  it('answers RISK_BLOCKED for a packet frozen by risk control', async () => {
    const { sender, packet } = await sendPacket({ mode: 'random', total: 1_000, count: 5 });
    // Freezing is risk control's job; the claim path only has to honour the status.
    await t.database.run("UPDATE packets SET status = 'frozen' WHERE id = ?", packet.id);
    const bob = await t.login('bob');
    await expectRejected(bob.token, { packetId: packet.id }, 403, 'RISK_BLOCKED', [sender.token]);
  });

  it('answers UNAUTHENTICATED without a session', async () => {
    const { packet } = await sendPacket({ mode: 'fixed', total: 100, count: 1 });
    const res = await t.app.inject({ method: 'POST', url: '/v1/claims', payload: { packetId: packet.id } });
    expect(res.statusCode).toBe(401);
    expect(await claimCount()).toBe(0);
  });
});
