import { SCENE_INFO, type MerchantCredentials } from '@hongbao/protocol';
import { ManualClock } from '../src/clock';
import { verifyFairness } from '../src/domain/fairness';
import { populationStdDev } from '../src/domain/split';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { auth, freshAppPerTest } from './helpers/fresh-app';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

const clock = () => t.clock as ManualClock;
const create = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/packets', headers: { ...auth(token), ...headers }, payload: body });
const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: auth(token) });
const claim = (token: string, packetId: string) => t.app.inject({ method: 'POST', url: '/v1/claims', headers: auth(token), payload: { packetId } });
const balance = async (token: string): Promise<number> => (await get(token, '/v1/wallet')).json().wallet.balance;
const usedToday = async (token: string): Promise<number> => (await get(token, '/v1/me')).json().usage.usedToday;
const packetCount = async () => (await t.database.get<{ n: number }>('SELECT COUNT(*) AS n FROM packets'))!.n;
const sharesOf = async (packetId: string) =>
  (await t.database.all<{ amount: number }>('SELECT amount FROM packet_shares WHERE packet_id = ? ORDER BY slot', packetId)).map((row) => row.amount);

/** A funded personal user. */
async function sender(openid = 'sender', amount = 100_000, name = '发红包的人') {
  const user = await t.login(openid, { name });
  await t.topup(user.token, amount);
  return user;
}

/** Sends a request that must be rejected, and checks that it changed nothing. */
async function expectRejected(token: string, body: Record<string, unknown>, status: number, error: Record<string, unknown>) {
  const before = { balance: await balance(token), used: await usedToday(token), packets: await packetCount() };
  const res = await create(token, body);
  expect(res.statusCode).toBe(status);
  expect(res.json().error).toMatchObject(error);
  expect({ balance: await balance(token), used: await usedToday(token), packets: await packetCount() }).toEqual(before);
  return res.json().error;
}

async function signedMerchant(tier: 'enterprise' | 'provider', fund: number): Promise<MerchantCredentials> {
  const credentials = await t.merchant({ tier, name: 'Shop' });
  const { headers, payload } = t.signed(credentials, 'POST', '/v1/wallet/topups', { amount: fund });
  const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers, payload });
  expect(res.statusCode).toBe(201);
  return credentials;
}

describe('creating packets', () => {
  it('moves the total from the wallet into escrow and answers 201 with the packet', async () => {
    const alice = await sender('alice', 10_000, 'Alice');
    const res = await create(alice.token, { mode: 'random', total: 1_000, count: 5 });
    expect(res.statusCode).toBe(201);
    const { packet } = res.json();
    expect(packet).toMatchObject({
      senderId: alice.userId,
      senderName: 'Alice',
      mode: 'random',
      algorithm: 'double-mean',
      total: 1_000,
      count: 5,
      scene: 'general',
      message: SCENE_INFO.general.defaultMessage,
      recipientId: null,
      status: 'active',
      claimedCount: 0,
      claimedAmount: 0,
      refundedAmount: 0,
      version: 1,
      luckiest: null,
      finishedAt: null,
      refundedAt: null,
    });
    expect(packet.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(packet.expiresAt) - Date.parse(packet.createdAt)).toBe(86_400_000);
    expect(await balance(alice.token)).toBe(9_000);
    expect(await usedToday(alice.token)).toBe(1_000);
    expect((await sharesOf(packet.id)).reduce((a, b) => a + b, 0)).toBe(1_000);
    const escrow = (await t.database.get<{ balance: number }>("SELECT balance FROM ledger_accounts WHERE owner_id = ? AND type = 'escrow'", packet.id))!;
    expect(escrow.balance).toBe(1_000);
  });

  it('records the funding as a packet.fund ledger line referencing the packet', async () => {
    const alice = await sender('alice', 5_000);
    const { packet } = (await create(alice.token, { mode: 'fixed', total: 900, count: 3 })).json();
    const entries = (await get(alice.token, '/v1/wallet/entries')).json().data;
    expect(entries[0]).toMatchObject({ kind: 'packet.fund', amount: -900, balanceAfter: 4_100, reference: packet.id });
  });

  it('splits a fixed packet into equal shares', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'fixed', total: 1_200, count: 4 })).json();
    expect(packet.algorithm).toBe('fixed');
    expect(await sharesOf(packet.id)).toEqual([300, 300, 300, 300]);
  });

  it('uses the line-cut algorithm when asked', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'random', total: 5_000, count: 10, algorithm: 'line-cut' })).json();
    expect(packet.algorithm).toBe('line-cut');
    expect(await sharesOf(packet.id)).toHaveLength(10);
  });

  it('keeps a personal random packet’s shares within a ¥45 standard deviation', async () => {
    const alice = await sender();
    for (let i = 0; i < 5; i++) {
      const { packet } = (await create(alice.token, { mode: 'random', total: 20_000, count: 2 })).json();
      expect(populationStdDev(await sharesOf(packet.id))).toBeLessThanOrEqual(4_500);
    }
  });

  it('commits to the shares in slot order with the published formula', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'random', total: 3_000, count: 6 })).json();
    const { salt } = (await t.database.get<{ salt: string }>('SELECT salt FROM packets WHERE id = ?', packet.id))!;
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyFairness(packet.commitment, salt, await sharesOf(packet.id))).toBe(true);
  });

  it('takes the default message from the scene and keeps a message the sender wrote', async () => {
    const alice = await sender();
    const wedding = (await create(alice.token, { mode: 'fixed', total: 10_000, count: 1, scene: 'wedding' })).json().packet;
    expect(wedding).toMatchObject({ scene: 'wedding', message: SCENE_INFO.wedding.defaultMessage });
    const own = (await create(alice.token, { mode: 'fixed', total: 100, count: 1, scene: 'birthday', message: '生日快乐呀' })).json().packet;
    expect(own.message).toBe('生日快乐呀');
  });

  it('honours expiresIn for the claim window', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'fixed', total: 100, count: 1, expiresIn: 600 })).json();
    expect(Date.parse(packet.expiresAt) - Date.parse(packet.createdAt)).toBe(600_000);
  });

  it('sends an exclusive packet to its named recipient', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    const res = await create(alice.token, { mode: 'exclusive', total: 888, count: 1, recipient: bob.userId });
    expect(res.statusCode).toBe(201);
    expect(res.json().packet).toMatchObject({ mode: 'exclusive', algorithm: 'fixed', recipientId: bob.userId });
  });

  it('returns the first packet again for a repeated Idempotency-Key, debiting once', async () => {
    const alice = await sender('alice', 5_000);
    const first = await create(alice.token, { mode: 'fixed', total: 1_000, count: 2 }, { 'idempotency-key': 'send-1' });
    const again = await create(alice.token, { mode: 'fixed', total: 1_000, count: 2 }, { 'idempotency-key': 'send-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await balance(alice.token)).toBe(4_000);
    expect(await packetCount()).toBe(1);
  });

  it('lets an enterprise merchant send a packet of more than 100 shares', async () => {
    const shop = await signedMerchant('enterprise', 100_000);
    const { headers, payload } = t.signed(shop, 'POST', '/v1/packets', { mode: 'random', total: 50_000, count: 2_000 });
    const res = await t.app.inject({ method: 'POST', url: '/v1/packets', headers, payload });
    expect(res.statusCode).toBe(201);
    expect(await sharesOf(res.json().packet.id)).toHaveLength(2_000);
  });
});

describe('rejected packets change nothing', () => {
  it('rejects more than 100 shares for a personal account with VALIDATION_FAILED on count', async () => {
    const alice = await sender();
    const error = await expectRejected(alice.token, { mode: 'random', total: 10_000, count: 101 }, 400, { code: 'VALIDATION_FAILED', field: 'count' });
    expect(error.message).toContain('100');
  });

  it('rejects a total smaller than the count with VALIDATION_FAILED on total', async () => {
    const alice = await sender();
    await expectRejected(alice.token, { mode: 'random', total: 9, count: 10 }, 400, { code: 'VALIDATION_FAILED', field: 'total' });
  });

  it('rejects a fixed total that does not divide by the count with VALIDATION_FAILED on total', async () => {
    const alice = await sender();
    await expectRejected(alice.token, { mode: 'fixed', total: 1_000, count: 3 }, 400, { code: 'VALIDATION_FAILED', field: 'total' });
  });

  it('rejects an exclusive packet without a recipient', async () => {
    const alice = await sender();
    await expectRejected(alice.token, { mode: 'exclusive', total: 100, count: 1 }, 400, { code: 'VALIDATION_FAILED', field: 'recipient' });
  });

  it('rejects an exclusive packet with more than one share', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    await expectRejected(alice.token, { mode: 'exclusive', total: 200, count: 2, recipient: bob.userId }, 400, { code: 'VALIDATION_FAILED', field: 'count' });
  });

  it('rejects an exclusive packet to the sender or to an unknown account', async () => {
    const alice = await sender();
    await expectRejected(alice.token, { mode: 'exclusive', total: 100, count: 1, recipient: alice.userId }, 400, { code: 'VALIDATION_FAILED', field: 'recipient' });
    await expectRejected(alice.token, { mode: 'exclusive', total: 100, count: 1, recipient: 'acc_nobody' }, 400, { code: 'VALIDATION_FAILED', field: 'recipient' });
  });

  it('rejects a recipient on a group packet and an algorithm on a fixed one', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    await expectRejected(alice.token, { mode: 'random', total: 100, count: 2, recipient: bob.userId }, 400, { code: 'VALIDATION_FAILED', field: 'recipient' });
    await expectRejected(alice.token, { mode: 'fixed', total: 100, count: 2, algorithm: 'line-cut' }, 400, { code: 'VALIDATION_FAILED', field: 'algorithm' });
  });

  it('rejects a message longer than 60 characters', async () => {
    const alice = await sender();
    await expectRejected(alice.token, { mode: 'fixed', total: 100, count: 1, message: '福'.repeat(61) }, 400, { code: 'VALIDATION_FAILED', field: 'message' });
  });

  it('rejects an unknown mode and a fractional total', async () => {
    const alice = await sender();
    await expectRejected(alice.token, { mode: 'lucky', total: 100, count: 1 }, 400, { code: 'VALIDATION_FAILED', field: 'mode' });
    await expectRejected(alice.token, { mode: 'fixed', total: 100.5, count: 1 }, 400, { code: 'VALIDATION_FAILED', field: 'total' });
  });

  it('rejects banned marketing words with BANNED_WORDS naming them', async () => {
    const alice = await sender();
    const error = await expectRejected(alice.token, { mode: 'fixed', total: 100, count: 1, message: '今天全场免单，还能全额返现' }, 422, { code: 'BANNED_WORDS' });
    expect(error.words).toEqual(expect.arrayContaining(['免单', '全额返现']));
    expect(error.message).toContain('免单');
  });

  it('uses the operator’s configured banned words', async () => {
    await t.close();
    t = await createTestApp({ config: { bannedWords: ['Lottery'] } });
    const alice = await sender();
    const error = await expectRejected(alice.token, { mode: 'fixed', total: 100, count: 1, message: 'Win the lottery' }, 422, { code: 'BANNED_WORDS' });
    expect(error.words).toEqual(['Lottery']);
  });

  it('rejects a total above the personal single limit with LIMIT_SINGLE_EXCEEDED', async () => {
    const alice = await sender('alice', 50_000);
    await expectRejected(alice.token, { mode: 'random', total: 20_001, count: 2 }, 422, { code: 'LIMIT_SINGLE_EXCEEDED' });
  });

  it('rejects the packet that would pass the personal ¥1,000 daily limit with LIMIT_DAILY_EXCEEDED', async () => {
    const alice = await sender('alice', 200_000);
    for (let i = 0; i < 5; i++) expect((await create(alice.token, { mode: 'random', total: 20_000, count: 10 })).statusCode).toBe(201);
    expect(await usedToday(alice.token)).toBe(100_000);
    const error = await expectRejected(alice.token, { mode: 'random', total: 100, count: 1 }, 422, { code: 'LIMIT_DAILY_EXCEEDED' });
    expect(error).toMatchObject({ limit: 100_000, used: 100_000 });
    expect(await balance(alice.token)).toBe(100_000);
  });

  it('rejects a packet larger than the balance with INSUFFICIENT_FUNDS and does not count it against the daily limit', async () => {
    const alice = await sender('alice', 500);
    await expectRejected(alice.token, { mode: 'random', total: 1_000, count: 2 }, 402, { code: 'INSUFFICIENT_FUNDS' });
    expect(await usedToday(alice.token)).toBe(0);
  });

  it('rejects a packet without a session with UNAUTHENTICATED', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/packets', payload: { mode: 'fixed', total: 100, count: 1 } });
    expect(res.statusCode).toBe(401);
    expect(await packetCount()).toBe(0);
  });
});

describe('reading packets', () => {
  it('shows the packet to its sender and claimers and answers FORBIDDEN to anyone else', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const { packet } = (await create(alice.token, { mode: 'random', total: 1_000, count: 3 })).json();
    expect((await get(alice.token, `/v1/packets/${packet.id}`)).statusCode).toBe(200);
    const stranger = await get(bob.token, `/v1/packets/${packet.id}`);
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().error.code).toBe('FORBIDDEN');
    expect((await claim(bob.token, packet.id)).statusCode).toBe(201);
    const seen = await get(bob.token, `/v1/packets/${packet.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().packet).toMatchObject({ claimedCount: 1, version: 2 });
    expect((await get(carol.token, `/v1/packets/${packet.id}/claims`)).json().error.code).toBe('FORBIDDEN');
    expect((await get(carol.token, `/v1/packets/${packet.id}/fairness`)).json().error.code).toBe('FORBIDDEN');
  });

  it('shows an exclusive packet to its recipient before they open it', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    const { packet } = (await create(alice.token, { mode: 'exclusive', total: 520, count: 1, recipient: bob.userId })).json();
    const res = await get(bob.token, `/v1/packets/${packet.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().packet.recipientId).toBe(bob.userId);
  });

  it('answers NOT_FOUND for an unknown packet', async () => {
    const alice = await sender();
    for (const path of ['', '/claims', '/fairness']) {
      const res = await get(alice.token, `/v1/packets/pk_doesnotexist${path}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('shows an active packet as expired once its window has passed', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'fixed', total: 100, count: 1, expiresIn: 60 })).json();
    clock().advance(60_000);
    expect((await get(alice.token, `/v1/packets/${packet.id}`)).json().packet.status).toBe('expired');
  });

  it('names the luckiest claimer, masked, only once the packet is finished', async () => {
    const alice = await sender();
    const claimers = [await t.login('u1', { name: '张三' }), await t.login('u2', { name: 'Bobby' }), await t.login('u3', { name: 'carol' })];
    const { packet } = (await create(alice.token, { mode: 'random', total: 1_000, count: 3 })).json();
    const amounts: number[] = [];
    for (const [i, user] of claimers.entries()) {
      const res = (await claim(user.token, packet.id)).json();
      amounts.push(res.claim.amount);
      if (i < 2) expect(res.packet.luckiest).toBeNull();
      else expect(res.packet.status).toBe('finished');
    }
    const best = amounts.indexOf(Math.max(...amounts));
    const view = (await get(alice.token, `/v1/packets/${packet.id}`)).json().packet;
    expect(view.status).toBe('finished');
    expect(view.finishedAt).not.toBeNull();
    expect(view.luckiest).toMatchObject({ userId: claimers[best].userId, amount: amounts[best], name: ['张*', 'B***y', 'c***l'][best] });
  });

  it('gives a tie for luckiest to the earliest claim', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const { packet } = (await create(alice.token, { mode: 'fixed', total: 600, count: 2 })).json();
    const first = (await claim(bob.token, packet.id)).json().claim;
    await claim(carol.token, packet.id);
    expect((await get(alice.token, `/v1/packets/${packet.id}`)).json().packet.luckiest).toMatchObject({ claimId: first.id, userId: bob.userId });
  });

  it('pages claims oldest first with masked names, and the luckiest once finished', async () => {
    const alice = await sender();
    const names = ['张三', '李四四', 'alice', 'bob'];
    const users = [];
    for (const [i, name] of names.entries()) users.push(await t.login(`c${i}`, { name }));
    const { packet } = (await create(alice.token, { mode: 'random', total: 2_000, count: 4 })).json();
    for (const user of users.slice(0, 3)) await claim(user.token, packet.id);

    const first = (await get(alice.token, `/v1/packets/${packet.id}/claims?limit=2`)).json();
    expect(first.data.map((c: { name: string }) => c.name)).toEqual(['张*', '李**']);
    expect(first.luckiest).toBeNull();
    expect(first.nextCursor).not.toBeNull();
    const second = (await get(alice.token, `/v1/packets/${packet.id}/claims?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.data.map((c: { name: string }) => c.name)).toEqual(['a***e']);
    expect(second.nextCursor).toBeNull();

    await claim(users[3].token, packet.id);
    const all = (await get(users[0].token, `/v1/packets/${packet.id}/claims`)).json();
    expect(all.data).toHaveLength(4);
    expect(all.data.reduce((sum: number, c: { amount: number }) => sum + c.amount, 0)).toBe(2_000);
    expect(all.data[0]).toMatchObject({ packetId: packet.id, userId: users[0].userId, createdAt: expect.any(String) });
    expect(all.luckiest).not.toBeNull();
  });

  it('rejects a claims cursor it did not hand out', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'fixed', total: 100, count: 1 })).json();
    const res = await get(alice.token, `/v1/packets/${packet.id}/claims?cursor=abc`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
  });
});

describe('fairness reveal', () => {
  it('keeps the salt and shares secret while the packet is active', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'random', total: 1_000, count: 3 })).json();
    const res = await get(alice.token, `/v1/packets/${packet.id}/fairness`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(res.json().error.message).toMatch(/revealed once the packet has ended/);
  });

  it('reveals salt and shares matching the commitment once finished, in claim order', async () => {
    const alice = await sender();
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const { packet } = (await create(alice.token, { mode: 'random', total: 1_000, count: 2 })).json();
    const first = (await claim(bob.token, packet.id)).json().claim.amount;
    const second = (await claim(carol.token, packet.id)).json().claim.amount;
    const { fairness } = (await get(bob.token, `/v1/packets/${packet.id}/fairness`)).json();
    expect(fairness.shares).toEqual([first, second]);
    expect(fairness.commitment).toBe(packet.commitment);
    expect(verifyFairness(fairness.commitment, fairness.salt, fairness.shares)).toBe(true);
  });

  it('reveals an expired packet’s shares', async () => {
    const alice = await sender();
    const { packet } = (await create(alice.token, { mode: 'random', total: 1_000, count: 3, expiresIn: 60 })).json();
    clock().advance(61_000);
    const res = await get(alice.token, `/v1/packets/${packet.id}/fairness`);
    expect(res.statusCode).toBe(200);
    expect(res.json().fairness.shares.reduce((a: number, b: number) => a + b, 0)).toBe(1_000);
  });
});

describe('packet history', () => {
  it('lists sent packets newest first with a cursor', async () => {
    const alice = await sender();
    const ids = [];
    for (const total of [100, 200, 300]) ids.push((await create(alice.token, { mode: 'fixed', total, count: 1 })).json().packet.id);
    const first = (await get(alice.token, '/v1/packets?role=sent&limit=2')).json();
    expect(first.data.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    const second = (await get(alice.token, `/v1/packets?role=sent&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it('lists packets the caller claimed from, most recent claim first', async () => {
    const alice = await sender('alice');
    const dave = await sender('dave');
    const bob = await t.login('bob');
    const fromAlice = (await create(alice.token, { mode: 'fixed', total: 200, count: 2 })).json().packet.id;
    const fromDave = (await create(dave.token, { mode: 'fixed', total: 200, count: 2 })).json().packet.id;
    await claim(bob.token, fromDave);
    await claim(bob.token, fromAlice);
    const received = (await get(bob.token, '/v1/packets?role=received')).json();
    expect(received.data.map((p: { id: string }) => p.id)).toEqual([fromAlice, fromDave]);
    expect((await get(bob.token, '/v1/packets?role=sent')).json().data).toEqual([]);
  });

  it('requires a role', async () => {
    const alice = await sender();
    const res = await get(alice.token, '/v1/packets');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'role' });
  });
});

describe('scenes', () => {
  it('clamps recommendations to a personal account’s ¥200 single limit', async () => {
    const alice = await sender();
    const res = await get(alice.token, '/v1/scenes');
    expect(res.statusCode).toBe(200);
    const byScene = Object.fromEntries(res.json().data.map((s: { scene: string }) => [s.scene, s]));
    expect(Object.keys(byScene).sort()).toEqual(Object.keys(SCENE_INFO).sort());
    expect(byScene.wedding).toMatchObject({ recommended: { min: 20_000, max: 20_000 }, defaultMessage: SCENE_INFO.wedding.defaultMessage, name: '新婚大喜' });
    expect(byScene.general.recommended).toEqual(SCENE_INFO.general.recommended);
  });

  it('leaves recommendations within an enterprise account’s limit unclamped', async () => {
    const shop = await signedMerchant('enterprise', 1);
    const { headers } = t.signed(shop, 'GET', '/v1/scenes');
    const res = await t.app.inject({ method: 'GET', url: '/v1/scenes', headers });
    expect(res.json().data.find((s: { scene: string }) => s.scene === 'wedding').recommended).toEqual({ min: 20_000, max: 50_000 });
  });

  it('requires authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/scenes' });
    expect(res.statusCode).toBe(401);
  });
});
