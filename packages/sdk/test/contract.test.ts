/**
 * Contract tests: every resource method against the real server on an ephemeral port.
 */
import {
  AuthenticationError,
  ConflictError,
  GoneError,
  LockedError,
  NotFoundError,
  PermissionDeniedError,
  verifyFairness,
  type Hongbao,
  type Payment,
} from '@hongbao/sdk';
import { startServer, type LiveServer } from './helpers';

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.t.checkInvariants());
afterAll(() => server.close());

let seq = 0;
/** A fresh user with money, so tests share no state. */
async function fundedUser(amount = 100_000): Promise<Hongbao> {
  const user = await server.user(`user-${++seq}-${Date.now()}`);
  await user.wallet.topup({ amount });
  return user;
}

describe('sessions, me and wallet', () => {
  it('logs a dev user in and reads the profile, balance and usage', async () => {
    const session = await server.client().sessions.create({ provider: 'dev', openid: 'contract-alice', name: 'Alice' });
    expect(session.token).toEqual(expect.any(String));
    expect(session.user).toMatchObject({ kind: 'user', tier: 'personal', name: 'Alice' });
    const me = await server.client(session.token).me.retrieve();
    expect(me.user.id).toBe(session.user.id);
    expect(me.wallet.balance).toBe(0);
    expect(me.usage.singleLimit).toBe(20_000);
  });

  it('tops up the sandbox wallet and lists the ledger lines', async () => {
    const user = await server.user(`wallet-${Date.now()}`);
    expect((await user.wallet.topup({ amount: 5_000 })).balance).toBe(5_000);
    expect((await user.wallet.topup({ amount: 2_500 })).balance).toBe(7_500);
    expect(await user.wallet.retrieve()).toMatchObject({ balance: 7_500, currency: 'CNY' });
    const first = await user.wallet.entries({ limit: 1 });
    expect(first.data).toHaveLength(1);
    expect(first.data[0]).toMatchObject({ kind: 'topup', amount: 2_500, balanceAfter: 7_500 });
    const second = await user.wallet.entries({ limit: 1, cursor: first.nextCursor! });
    expect(second.data[0]).toMatchObject({ amount: 5_000, balanceAfter: 5_000 });
  });

  it('answers a call without credentials with an AuthenticationError', async () => {
    await expect(server.client().me.retrieve()).rejects.toMatchObject({ constructor: AuthenticationError, status: 401, code: 'UNAUTHENTICATED', requestId: expect.any(String) });
  });
});

describe('packets', () => {
  it('creates, retrieves and lists a packet, its claims and the scenes', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'random', total: 888, count: 3, message: '恭喜发财', scene: 'new-year' });
    expect(packet).toMatchObject({ mode: 'random', total: 888, count: 3, status: 'active', claimedCount: 0, message: '恭喜发财' });
    expect(packet.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(await sender.packets.retrieve(packet.id)).toMatchObject({ id: packet.id, version: packet.version });
    const sent = await sender.packets.list({ role: 'sent' });
    expect(sent.data.map((p) => p.id)).toEqual([packet.id]);
    expect(await sender.packets.claims(packet.id)).toEqual({ data: [], nextCursor: null, luckiest: null });
    const scenes = await sender.scenes.list();
    expect(scenes.map((s) => s.scene)).toContain('wedding');
    expect(Math.max(...scenes.map((s) => s.recommended.max))).toBeLessThanOrEqual(20_000);
  });

  it('issues a claim code that users claim by URL, then reveals shares that verify against the commitment', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'random', total: 1000, count: 3 });
    const code = await sender.codes.issue(packet.id);
    expect(code).toMatchObject({ kind: 'claim', packetId: packet.id, status: 'active' });
    expect(code.url).toBe(`${server.baseURL}/c/${code.token}`);

    const bob = await server.user(`bob-${Date.now()}`);
    const resolved = await bob.codes.resolve(code.url);
    expect(resolved.packet).toMatchObject({ id: packet.id, count: 3, claimedCount: 0 });

    const claimers = [bob, await server.user(`carol-${Date.now()}`), await server.user(`dave-${Date.now()}`)];
    const claimed = [];
    for (const claimer of claimers) claimed.push(await claimer.claims.create({ url: code.url }));
    expect(claimed.reduce((sum, { claim }) => sum + claim.amount, 0)).toBe(1000);

    const finished = await sender.packets.retrieve(packet.id);
    expect(finished).toMatchObject({ status: 'finished', claimedCount: 3, claimedAmount: 1000 });
    expect(finished.luckiest).not.toBeNull();
    const claims = await sender.packets.claims(packet.id);
    expect(claims.data).toHaveLength(3);
    expect(claims.luckiest).toEqual(finished.luckiest);

    const fairness = await sender.packets.fairness(packet.id);
    expect(fairness.shares.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(verifyFairness(packet.commitment, fairness.salt, fairness.shares)).toBe(true);
    const tampered = [fairness.shares[0] + 1, fairness.shares[1] - 1, fairness.shares[2]];
    expect(verifyFairness(packet.commitment, fairness.salt, tampered)).toBe(false);

    const received = await bob.packets.list({ role: 'received' });
    expect(received.data.map((p) => p.id)).toContain(packet.id);
  });

  it('claims by packet id, and reports ALREADY_CLAIMED with the earlier claim and PACKET_EXHAUSTED as ConflictErrors', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'fixed', total: 200, count: 1 });
    const erin = await server.user(`erin-${Date.now()}`);
    const { claim } = await erin.claims.create({ packetId: packet.id });
    expect(claim.amount).toBe(200);

    const again = await erin.claims.create({ packetId: packet.id }).catch((error) => error);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ status: 409, code: 'ALREADY_CLAIMED' });
    expect(again.error.claim).toMatchObject({ id: claim.id });

    const frank = await server.user(`frank-${Date.now()}`);
    await expect(frank.claims.create({ packetId: packet.id })).rejects.toMatchObject({ constructor: ConflictError, code: 'PACKET_EXHAUSTED' });
  });

  it('long-polls a packet: retrieve with wait and version answers at the next change', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'fixed', total: 300, count: 3 });
    const claimer = await server.user(`gina-${Date.now()}`);
    const started = Date.now();
    const changed = sender.packets.retrieve(packet.id, { wait: 10, version: packet.version });
    setTimeout(() => void claimer.claims.create({ packetId: packet.id }), 200);
    const next = await changed;
    expect(next.claimedCount).toBe(1);
    expect(next.version).toBeGreaterThan(packet.version);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('polls until the packet is finished while users claim', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'random', total: 500, count: 2 });
    const claimers = [await server.user(`h1-${Date.now()}`), await server.user(`h2-${Date.now()}`)];
    const polled = sender.packets.poll(packet.id, { intervalMs: 50, timeoutMs: 20_000 });
    for (const claimer of claimers) await claimer.claims.create({ packetId: packet.id });
    expect(await polled).toMatchObject({ id: packet.id, status: 'finished', claimedCount: 2 });
  });

  it('refuses the fairness reveal before the packet ends, and a missing packet with NotFoundError', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'random', total: 500, count: 2 });
    await expect(sender.packets.fairness(packet.id)).rejects.toMatchObject({ constructor: PermissionDeniedError, code: 'FORBIDDEN' });
    await expect(sender.packets.retrieve('pk_doesnotexist')).rejects.toMatchObject({ constructor: NotFoundError, code: 'NOT_FOUND' });
  });

  it('keeps an exclusive packet for its recipient', async () => {
    const sender = await fundedUser();
    const recipient = await server.user(`kim-${Date.now()}`);
    const other = await server.user(`lee-${Date.now()}`);
    const { id: recipientId } = (await recipient.me.retrieve()).user;
    const packet = await sender.packets.create({ mode: 'exclusive', total: 666, count: 1, recipient: recipientId });
    await expect(other.claims.create({ packetId: packet.id })).rejects.toMatchObject({ constructor: PermissionDeniedError, code: 'NOT_RECIPIENT' });
    await expect(recipient.claims.create({ packetId: packet.id })).resolves.toMatchObject({ claim: { amount: 666 } });
  });
});

describe('codes', () => {
  it('refreshes a token, keeps the code id, and rejects a revoked code with CODE_REVOKED', async () => {
    const sender = await fundedUser();
    const packet = await sender.packets.create({ mode: 'fixed', total: 200, count: 2 });
    const code = await sender.codes.issue(packet.id);
    const fresh = await sender.codes.refresh(code.id);
    expect(fresh.id).toBe(code.id);
    expect(fresh.token).not.toBe(code.token);
    const revoked = await sender.codes.revoke(code.id);
    expect(revoked.status).toBe('revoked');
    const claimer = await server.user(`ivy-${Date.now()}`);
    await expect(claimer.claims.create({ token: fresh.token })).rejects.toMatchObject({ constructor: GoneError, code: 'CODE_REVOKED' });
  });

  it('refuses to refresh someone else\'s code', async () => {
    const sender = await fundedUser();
    const stranger = await server.user(`stranger-${Date.now()}`);
    const packet = await sender.packets.create({ mode: 'fixed', total: 100, count: 1 });
    const code = await sender.codes.issue(packet.id);
    await expect(stranger.codes.refresh(code.id)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('rejects an invalid scanned URL before sending anything', async () => {
    const user = await server.user(`jay-${Date.now()}`);
    await expect(user.claims.create({ url: 'https://elsewhere.example.com/pay/123' })).rejects.toThrow(/Not a Hongbao code/);
    await expect(user.codes.resolve('not a code!')).rejects.toThrow(/Not a Hongbao code/);
  });

  it('creates a collect code, takes payments by URL and lists them newest first', async () => {
    const owner = await server.user(`shop-${Date.now()}`);
    const code = await owner.codes.createCollect({ title: '婚庆讨彩', scene: 'wedding' });
    expect(code).toMatchObject({ kind: 'collect', title: '婚庆讨彩', packetId: null });
    expect((await owner.collectCodes.retrieve(code.id)).id).toBe(code.id);
    const guest = await fundedUser();
    const resolved = await guest.codes.resolve(code.url);
    expect(resolved.collect).toMatchObject({ ownerId: code.ownerId, title: '婚庆讨彩' });
    const first = await guest.payments.create({ url: code.url, amount: 20_000, message: '新婚快乐' });
    const second = await guest.payments.create({ token: code.token, amount: 8_800 });
    expect(first).toMatchObject({ amount: 20_000, codeId: code.id, message: '新婚快乐' });
    const page = await owner.collectCodes.payments(code.id);
    expect(page.data.map((p) => p.id)).toEqual([second.id, first.id]);
    expect(page.version).toEqual(expect.any(Number));
  });

  it('streams incoming payments once each, oldest first, until stopped', async () => {
    const owner = await server.user(`stall-${Date.now()}`);
    const code = await owner.codes.createCollect({});
    const guest = await fundedUser();
    const before = await guest.payments.create({ token: code.token, amount: 100 });
    const controller = new AbortController();
    const received: Payment[] = [];
    const subscription = owner.collectCodes.onPayment(
      code.id,
      (payment) => {
        received.push(payment);
        if (received.length === 3) controller.abort();
      },
      { signal: controller.signal, intervalMs: 20 },
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const amounts = [101, 102, 103];
    for (const amount of amounts) await guest.payments.create({ token: code.token, amount });
    await subscription.done;
    expect(received.map((p) => p.amount)).toEqual(amounts);
    expect(received.map((p) => p.id)).not.toContain(before.id);
  });

  it('freezes a collect code after five equal payments and unfreezes it for its owner', async () => {
    const owner = await server.user(`breaker-${Date.now()}`);
    const code = await owner.codes.createCollect({});
    const payers = [];
    for (let i = 0; i < 6; i++) payers.push(await fundedUser());
    let frozen: unknown;
    for (const payer of payers) {
      frozen = await payer.payments.create({ token: code.token, amount: 500 }).catch((error) => error);
      if (frozen instanceof LockedError) break;
    }
    expect(frozen).toMatchObject({ constructor: LockedError, status: 423, code: 'CODE_FROZEN' });
    expect((await owner.collectCodes.retrieve(code.id)).status).toBe('frozen');
    const unfrozen = await owner.codes.unfreeze(code.id);
    expect(unfrozen.status).toBe('active');
    await expect(payers[5].payments.create({ token: unfrozen.token, amount: 501 })).resolves.toMatchObject({ amount: 501 });
  });
});

describe('merchants (signed requests)', () => {
  it('creates an enterprise merchant whose signed requests create packets and codes', async () => {
    const credentials = await server.client().dev.merchants.create({ tier: 'enterprise', name: '喜糖铺' });
    const merchant = server.client({ appId: credentials.appId, secret: credentials.secret });
    const me = await merchant.me.retrieve();
    expect(me.user).toMatchObject({ kind: 'merchant', tier: 'enterprise', name: '喜糖铺' });
    await merchant.wallet.topup({ amount: 500_000 });
    const packet = await merchant.packets.create({ mode: 'random', total: 100_000, count: 500, message: '开业大吉', scene: 'marketing' });
    expect(packet.count).toBe(500);
    const code = await merchant.codes.issue(packet.id);
    expect(code.kind).toBe('claim');
    const collect = await merchant.codes.createCollect({ title: '收款', fixedAmount: 1_000 });
    expect(collect.fixedAmount).toBe(1_000);
    const page = await merchant.packets.list({ role: 'sent', limit: 5 });
    expect(page.data.map((p) => p.id)).toEqual([packet.id]);
    const claimer = await server.user(`fan-${Date.now()}`);
    await claimer.claims.create({ url: code.url });
    expect((await merchant.packets.claims(packet.id, { limit: 10 })).data).toHaveLength(1);
  });

  it('fails with SIGNATURE_INVALID when the secret is wrong', async () => {
    const credentials = await server.client().dev.merchants.create({ tier: 'enterprise', name: 'Wrong secret' });
    const merchant = server.client({ appId: credentials.appId, secret: `${credentials.secret}x` });
    await expect(merchant.me.retrieve()).rejects.toMatchObject({ constructor: AuthenticationError, code: 'SIGNATURE_INVALID' });
  });

  it('lists the published code-signing keys without credentials', async () => {
    const keys = await server.client().keys.list();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys[0].publicKey).toContain('PUBLIC KEY');
  });
});

describe('idempotency keys and refusals', () => {
  it('returns the first result for a repeated key and IDEMPOTENCY_CONFLICT for a different body', async () => {
    const sender = await fundedUser();
    const idempotencyKey = `order-${Date.now()}`;
    const first = await sender.packets.create({ mode: 'fixed', total: 300, count: 3 }, { idempotencyKey });
    const repeat = await sender.packets.create({ mode: 'fixed', total: 300, count: 3 }, { idempotencyKey });
    expect(repeat.id).toBe(first.id);
    await expect(sender.packets.create({ mode: 'fixed', total: 400, count: 4 }, { idempotencyKey })).rejects.toMatchObject({ constructor: ConflictError, code: 'IDEMPOTENCY_CONFLICT' });
    expect((await sender.packets.list({ role: 'sent' })).data).toHaveLength(1);
  });

  it('refuses a personal user a packet above the single limit with a typed error', async () => {
    const sender = await fundedUser(50_000);
    const error = await sender.packets.create({ mode: 'random', total: 20_001, count: 2 }).catch((e) => e);
    expect(error.status).toBe(422);
    expect(error.code).toBe('LIMIT_SINGLE_EXCEEDED');
  });
});
