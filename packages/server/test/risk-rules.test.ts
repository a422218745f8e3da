import { ManualClock } from '../src/clock';
import { DEFAULT_CONFIG, type Config } from '../src/config';
import type { SqliteDatabase } from '../src/store/database';
import { SQLITE_STANDINGS_SQL } from '../src/store/risk';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call, createCollectCode, pay, snapshot, type Caller } from './helpers/codes';

/** 12:00 and 02:00 on 1 January 2026 in Asia/Shanghai (UTC+8). */
const NOON_SHANGHAI = Date.UTC(2026, 0, 1, 4, 0, 0);
const TWO_AM_SHANGHAI = Date.UTC(2026, 0, 1, 18, 0, 0);
const DAY_MS = 86_400_000;

let t: TestApp;
let clock: ManualClock;

async function start(options: { at?: number; config?: Partial<Config> } = {}) {
  clock = new ManualClock(options.at ?? NOON_SHANGHAI);
  t = await createTestApp({ clock, config: options.config });
}
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

const decisions = () => t.database.all<any>('SELECT rule, outcome, reason, account_id, device_id, until FROM risk_decisions ORDER BY id');
const admin = async () => (await t.app.hongbao.services.admin.createStaffUser('风控管理员', 'admin')).token;

/** Expects `request` to be refused with `code` and `rule`, to change nothing, and to leave a decision record. */
async function expectRefused(request: () => Promise<{ status: number; body: any }>, code: string, rule: string) {
  const before = await snapshot(t);
  const recorded = (await decisions()).length;
  const answer = await request();
  expect(answer.body.error).toMatchObject({ code, rule, reason: expect.any(String) });
  expect(await snapshot(t)).toEqual(before);
  const after = await decisions();
  expect(after).toHaveLength(recorded + 1);
  expect(after[after.length - 1]).toMatchObject({ rule, outcome: expect.stringMatching(/block|review/) });
  return answer.body.error;
}

const sendPacket = (caller: Caller, total: number, extra: Record<string, unknown> = {}) => call(t, caller, 'POST', '/v1/packets', { mode: 'random', total, count: 1, ...extra });

async function packetFor(count: number) {
  const sender = await t.login('sender');
  await t.topup(sender.token, 100_000);
  const answer = await sendPacket(sender.token, count * 10, { count });
  return answer.body.packet.id as string;
}
const claim = (token: string, packetId: string, deviceId?: string) => call(t, token, 'POST', '/v1/claims', { packetId, ...(deviceId ? { deviceId } : {}) });

describe('rule 1: tier limits', () => {
  it('allows a packet at the single limit and refuses one fen more, recording the decision', async () => {
    await start();
    const alice = await t.login('alice');
    await t.topup(alice.token, 100_000);
    expect((await sendPacket(alice.token, 20_000)).status).toBe(201);
    const error = await expectRefused(() => sendPacket(alice.token, 20_001), 'LIMIT_SINGLE_EXCEEDED', 'tier-limit');
    expect(error).toMatchObject({ limit: 20_000, until: null });
  });

  it('refuses the payment that would pass the daily limit and says when the day starts over', async () => {
    await start();
    const alice = await t.login('alice');
    await t.topup(alice.token, 200_000);
    for (let i = 0; i < 5; i++) expect((await sendPacket(alice.token, 20_000)).status).toBe(201);
    const error = await expectRefused(() => sendPacket(alice.token, 1), 'LIMIT_DAILY_EXCEEDED', 'tier-limit');
    expect(error).toMatchObject({ limit: 100_000, used: 100_000, until: '2026-01-01T16:00:00.000Z' });
  });
});

describe('rule 7: region limit factors', () => {
  it('scales the single and daily limits of accounts in a configured region', async () => {
    await start({ config: { risk: { ...DEFAULT_CONFIG.risk, regionFactors: { XJ: 0.5 } } } });
    const local = await t.login('local', { region: 'XJ' });
    const elsewhere = await t.login('elsewhere', { region: 'SH' });
    await t.topup(local.token, 100_000);
    await t.topup(elsewhere.token, 100_000);
    expect((await call(t, local.token, 'GET', '/v1/me')).body.usage).toMatchObject({ singleLimit: 10_000, dailyLimit: 50_000 });
    expect((await sendPacket(local.token, 10_000)).status).toBe(201);
    await expectRefused(() => sendPacket(local.token, 10_001), 'LIMIT_SINGLE_EXCEEDED', 'region-limit');
    expect((await sendPacket(elsewhere.token, 20_000)).status).toBe(201);
  });
});

describe('rule 2: same-amount streak', () => {
  it('lets the fifth equal payment through, freezes the code and records why', async () => {
    await start();
    const owner = await t.login('owner');
    const payer = await t.login('payer');
    await t.topup(payer.token, 10_000);
    const code = await createCollectCode(t, owner.token);
    for (let i = 0; i < 4; i++) expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    expect(await decisions()).toEqual([]);
    expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    expect(await decisions()).toEqual([expect.objectContaining({ rule: 'same-amount-streak', outcome: 'freeze' })]);
    expect((await pay(t, payer.token, code.token, { amount: 100 })).body.error.code).toBe('CODE_FROZEN');
  });
});

describe('rule 3: accounts per device', () => {
  it('serves three accounts on one device and refuses a fourth until a slot ages out of the 7 days', async () => {
    await start();
    const packetId = await packetFor(10);
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await t.login(`device-user-${i}`, { deviceId: 'phone-1' }));
    for (let i = 0; i < 3; i++) expect((await claim(users[i].token, packetId)).status).toBe(201);
    const error = await expectRefused(() => claim(users[3].token, packetId), 'DEVICE_ACCOUNT_LIMIT', 'device-accounts');
    expect(error.until).toBe(new Date(NOON_SHANGHAI + 7 * DAY_MS).toISOString());
    // The same fourth account on another device is fine: the rule is about the device.
    expect((await claim(users[3].token, packetId, 'phone-2')).status).toBe(201);
  });

  it('lets a fourth account in once the first has not used the device for 7 days', async () => {
    await start();
    const sender = await t.login('sender');
    await t.topup(sender.token, 100_000);
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await t.login(`device-user-${i}`, { deviceId: 'phone-1' }));
    const first = (await sendPacket(sender.token, 100, { count: 10 })).body.packet.id;
    for (let i = 0; i < 3; i++) expect((await claim(users[i].token, first)).status).toBe(201);
    clock.advance(7 * DAY_MS - 1);
    const later = (await sendPacket(sender.token, 100, { count: 10 })).body.packet.id;
    expect((await claim(users[3].token, later)).body.error.code).toBe('DEVICE_ACCOUNT_LIMIT');
    clock.advance(2);
    expect((await claim(users[3].token, later)).status).toBe(201);
  });
});

describe('rule 4: night-time small payments', () => {
  async function nightPayer(at = TWO_AM_SHANGHAI) {
    await start({ at });
    const owner = await t.login('owner');
    const payer = await t.login('payer');
    await t.topup(payer.token, 100_000);
    const code = await createCollectCode(t, owner.token);
    return { owner, payer, code };
  }
  // Different amounts, so the same-amount breaker stays out of it.
  const smallPayments = async (payer: string, token: string, count: number) => {
    for (let i = 0; i < count; i++) expect((await pay(t, payer, token, { amount: 500 + i })).status).toBe(201);
  };

  it('flags and restricts an account making its 21st payment under ¥10 within an hour at night', async () => {
    const { payer, code } = await nightPayer();
    await smallPayments(payer.token, code.token, 20);
    const error = await expectRefused(() => pay(t, payer.token, code.token, { amount: 900 }), 'RISK_BLOCKED', 'night-small-payments');
    expect(error.until).toBe(new Date(TWO_AM_SHANGHAI + 24 * 3_600_000).toISOString());
    const flags = await t.database.all('SELECT rule, account_id, status FROM review_flags');
    expect(flags).toEqual([{ rule: 'night-small-payments', account_id: payer.userId, status: 'open' }]);
    // The restriction covers everything the account does, large payments included.
    const blocked = await pay(t, payer.token, code.token, { amount: 5_000 });
    expect(blocked.body.error).toMatchObject({ code: 'RISK_BLOCKED', rule: 'night-small-payments', until: error.until });
  });

  it('lets a reviewer clear the flag, which lifts the restriction at once', async () => {
    const { payer, code } = await nightPayer();
    await smallPayments(payer.token, code.token, 20);
    await pay(t, payer.token, code.token, { amount: 900 });
    const token = await admin();
    const flag = (await call(t, token, 'GET', '/v1/review-flags?status=open')).body.data[0];
    const resolved = await call(t, token, 'POST', `/v1/review-flags/${flag.id}/resolve`, { resolution: 'cleared', note: '店铺夜间营业' });
    expect(resolved.body.flag).toMatchObject({ status: 'cleared', note: '店铺夜间营业' });
    expect((await pay(t, payer.token, code.token, { amount: 5_000 })).status).toBe(201);
  });

  it('allows 20 small payments at night, and any number in the daytime', async () => {
    const night = await nightPayer();
    await smallPayments(night.payer.token, night.code.token, 20);
    await t.close();
    const day = await nightPayer(NOON_SHANGHAI);
    await smallPayments(day.payer.token, day.code.token, 25);
    expect(await decisions()).toEqual([]);
  });

  it('does not count payments of ¥10 or more as small', async () => {
    const { payer, code } = await nightPayer();
    for (let i = 0; i < 21; i++) expect((await pay(t, payer.token, code.token, { amount: 1_000 + i })).status).toBe(201);
  });
});

describe('rule 5: AML large-transaction reports', () => {
  async function provider() {
    await start();
    const merchant = await t.merchant({ tier: 'provider', name: '大额服务商', limits: { single: 10_000_000, daily: 50_000_000 } });
    await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: 20_000_000 });
    return merchant;
  }

  it('files a report for a packet above ¥50,000 and lets it through', async () => {
    const merchant = await provider();
    const answer = await sendPacket(merchant, 5_000_001);
    expect(answer.status).toBe(201);
    const reports = (await call(t, await admin(), 'GET', '/v1/aml-reports')).body.data;
    expect(reports).toEqual([expect.objectContaining({ accountId: merchant.accountId, action: 'create', reference: answer.body.packet.id, amount: 5_000_001 })]);
    expect(await decisions()).toEqual([expect.objectContaining({ rule: 'aml-large-transaction', outcome: 'report' })]);
  });

  it('files nothing for exactly ¥50,000', async () => {
    const merchant = await provider();
    expect((await sendPacket(merchant, 5_000_000)).status).toBe(201);
    expect((await call(t, await admin(), 'GET', '/v1/aml-reports')).body.data).toEqual([]);
  });
});

describe('rule 6: blacklist', () => {
  it('refuses a blacklisted account at once and serves it again once removed', async () => {
    await start();
    const packetId = await packetFor(5);
    const bob = await t.login('bob');
    const token = await admin();
    const added = await call(t, token, 'POST', '/v1/blacklist', { kind: 'account', value: bob.userId, reason: '盗号' });
    expect(added.status).toBe(201);
    const error = await expectRefused(() => claim(bob.token, packetId), 'RISK_BLOCKED', 'blacklist');
    expect(error).toMatchObject({ until: null, reason: expect.stringContaining('盗号') });
    expect((await call(t, token, 'DELETE', `/v1/blacklist/${added.body.entry.id}`)).body.entry.removedAt).toEqual(expect.any(String));
    expect((await claim(bob.token, packetId)).status).toBe(201);
  });

  it('refuses every account on a blacklisted device and nobody else', async () => {
    await start();
    const packetId = await packetFor(5);
    const onDevice = await t.login('on-device', { deviceId: 'farm-7' });
    const other = await t.login('other', { deviceId: 'clean-1' });
    await call(t, await admin(), 'POST', '/v1/blacklist', { kind: 'device', value: 'farm-7', reason: '设备农场' });
    await expectRefused(() => claim(onDevice.token, packetId), 'RISK_BLOCKED', 'blacklist');
    await expectRefused(() => claim(other.token, packetId, 'farm-7'), 'RISK_BLOCKED', 'blacklist');
    expect((await claim(other.token, packetId)).status).toBe(201);
  });
});

describe('standing: the blacklist and restrictions in one read', () => {
  it('returns the entry and the longest restriction covering the scope, ignoring lifted, expired and other subjects', async () => {
    await start();
    const bob = await t.login('bob');
    const now = clock.now();
    const { risk } = t.app.hongbao.services;
    const restrict = (id: string, kind: 'account' | 'device', subject: string, scope: 'all' | 'payment', until: number, lifted: number | null = null) =>
      risk.store.insertRestriction({ id, subject_kind: kind, subject, scope, rule: `rule-${id}`, reason: `reason ${id}`, flag_id: null, until, lifted_at: lifted, created_at: now });
    const standing = (scope: 'all' | 'payment', device: string | null = null) => risk.store.standing(bob.userId, device, scope, now);

    expect(await standing('all')).toEqual({ blacklisted: null, restriction: null });
    await t.database.tx(async () => {
      await restrict('r-pay', 'account', bob.userId, 'payment', now + 3 * DAY_MS);
      await restrict('r-all', 'account', bob.userId, 'all', now + DAY_MS);
      await restrict('r-lifted', 'account', bob.userId, 'all', now + 9 * DAY_MS, now);
      await restrict('r-past', 'account', bob.userId, 'all', now - 1);
      await restrict('r-other', 'account', 'acc_someone_else', 'all', now + 9 * DAY_MS);
      await restrict('r-device', 'device', 'farm-9', 'all', now + 5 * DAY_MS);
    });
    // A payment is covered by payment and all restrictions; a claim or a packet only by all.
    expect((await standing('payment')).restriction).toEqual({ subject_kind: 'account', rule: 'rule-r-pay', reason: 'reason r-pay', until: now + 3 * DAY_MS });
    expect((await standing('all')).restriction).toEqual({ subject_kind: 'account', rule: 'rule-r-all', reason: 'reason r-all', until: now + DAY_MS });
    expect((await standing('all', 'farm-9')).restriction).toMatchObject({ subject_kind: 'device', rule: 'rule-r-device', until: now + 5 * DAY_MS });

    const token = await admin();
    await call(t, token, 'POST', '/v1/blacklist', { kind: 'device', value: 'farm-9', reason: '设备农场' });
    expect(await standing('all', 'farm-9')).toEqual({
      blacklisted: { kind: 'device', reason: '设备农场' },
      restriction: expect.objectContaining({ rule: 'rule-r-device' }),
    });
    expect((await standing('all')).blacklisted).toBeNull();
    // Both stand against the claim; the blacklist rule comes first and is the one that refuses.
    const packetId = await packetFor(2);
    await expectRefused(() => claim(bob.token, packetId, 'farm-9'), 'RISK_BLOCKED', 'blacklist');
    await expectRefused(() => claim(bob.token, packetId), 'RISK_BLOCKED', 'rule-r-all');
  });
});

describe('standing beside a long blacklist', () => {
  it('finds the account’s and the device’s entries among thousands, each by an index search', async () => {
    await start();
    const bob = await t.login('bob');
    const now = clock.now();
    // 4,000 active entries, half accounts and half devices, and one removed entry for bob.
    await t.database.tx(async () => {
      await t.database
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
           INSERT INTO blacklist (id, kind, value, reason, created_at)
           SELECT 'bl-' || i, CASE WHEN i % 2 = 0 THEN 'account' ELSE 'device' END, 'listed-' || i, 'reason ' || i, ? FROM n`,
        )
        .run(now);
      await t.database
        .prepare("INSERT INTO blacklist (id, kind, value, reason, created_at, removed_at) VALUES ('bl-removed', 'account', ?, 'lifted', ?, ?)")
        .run(bob.userId, now, now);
    });
    const { risk } = t.app.hongbao.services;
    const standing = (account: string, device: string | null) => risk.store.standing(account, device, 'all', now);
    expect((await standing(bob.userId, null)).blacklisted).toBeNull();
    expect((await standing(bob.userId, 'listed-3001')).blacklisted).toEqual({ kind: 'device', reason: 'reason 3001' });
    expect((await standing('listed-2000', 'clean-phone')).blacklisted).toEqual({ kind: 'account', reason: 'reason 2000' });
    expect((await standing('listed-4000', 'listed-1')).blacklisted).toMatchObject({ kind: expect.stringMatching(/^(account|device)$/) });
    expect((await standing('listed-3001', 'listed-2000')).blacklisted).toBeNull(); // each kind names its own subjects
    if (t.database.dialect === 'sqlite') {
      // The plan behind those answers: no step reads the blacklist from end to end.
      const plan = (t.database as SqliteDatabase).connection.prepare(`EXPLAIN QUERY PLAN ${SQLITE_STANDINGS_SQL}`).all({ subjects: '[]', now, scope: 'all' }) as Array<{ detail: string }>;
      const blacklistSteps = plan.map((step) => step.detail).filter((detail) => / blacklist /.test(`${detail} `));
      expect(blacklistSteps).toEqual(['SEARCH blacklist USING INDEX blacklist_active (kind=? AND value=?)', 'SEARCH blacklist USING INDEX blacklist_active (kind=? AND value=?)']);
    }
  });
});

describe('rule 8: several accounts on one device paying one code', () => {
  async function setup() {
    await start();
    const owner = await t.login('owner');
    const a = await t.login('payer-a', { deviceId: 'shared-phone' });
    const b = await t.login('payer-b', { deviceId: 'shared-phone' });
    for (const payer of [a, b]) await t.topup(payer.token, 10_000);
    return { owner, a, b, code: await createCollectCode(t, owner.token), other: await createCollectCode(t, owner.token) };
  }

  it('refuses the second account and restricts payments by the device and both accounts for 7 days', async () => {
    const { a, b, code, other } = await setup();
    expect((await pay(t, a.token, code.token, { amount: 100 })).status).toBe(201);
    const error = await expectRefused(() => pay(t, b.token, code.token, { amount: 100 }), 'RISK_BLOCKED', 'shared-device-code');
    expect(error.until).toBe(new Date(NOON_SHANGHAI + 7 * DAY_MS).toISOString());
    const elsewhere = await pay(t, a.token, other.token, { amount: 100, deviceId: 'own-phone' });
    expect(elsewhere.body.error).toMatchObject({ code: 'RISK_BLOCKED', rule: 'shared-device-code', until: error.until });
    // Claims are not payments: the restriction leaves them alone.
    const sender = await t.login('sender');
    await t.topup(sender.token, 1_000);
    const packetId = (await sendPacket(sender.token, 100, { count: 2 })).body.packet.id;
    expect((await claim(a.token, packetId)).status).toBe(201);
  });

  it('allows one account paying a code repeatedly, and two accounts paying different codes, from one device', async () => {
    const { a, b, code, other } = await setup();
    expect((await pay(t, a.token, code.token, { amount: 100 })).status).toBe(201);
    expect((await pay(t, a.token, code.token, { amount: 101 })).status).toBe(201);
    expect((await pay(t, b.token, other.token, { amount: 100 })).status).toBe(201);
    expect(await decisions()).toEqual([]);
  });
});

describe('rule 9: banned words', () => {
  it('refuses a packet whose message has a banned word and records it; a clean one goes through', async () => {
    await start();
    const alice = await t.login('alice');
    await t.topup(alice.token, 10_000);
    const error = await expectRefused(() => sendPacket(alice.token, 100, { message: '稳赚不赔' }), 'BANNED_WORDS', 'banned-words');
    expect(error).toMatchObject({ field: 'message', words: ['稳赚'] });
    expect((await sendPacket(alice.token, 100, { message: '新年快乐' })).status).toBe(201);
  });

  it('refuses a payment whose message has a banned word', async () => {
    await start();
    const owner = await t.login('owner');
    const payer = await t.login('payer');
    await t.topup(payer.token, 10_000);
    const code = await createCollectCode(t, owner.token);
    await expectRefused(() => pay(t, payer.token, code.token, { amount: 100, message: '刷单返现' }), 'BANNED_WORDS', 'banned-words');
  });
});

describe('decision records', () => {
  it('keep a refusal in the audit log while the refused change leaves no trace', async () => {
    await start();
    const alice = await t.login('alice');
    await t.topup(alice.token, 100_000);
    const entries = async () => {
      await t.app.hongbao.services.audit.settle(true);
      return (await t.database.all('SELECT type FROM audit_log ORDER BY seq')).map((row: any) => row.type);
    };
    const before = await entries();
    await sendPacket(alice.token, 20_001);
    expect(await entries()).toEqual([...before, 'risk.block']);
  });

  it('are listed for admins with filters by account, rule and outcome', async () => {
    await start();
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    await t.topup(alice.token, 100_000);
    await t.topup(bob.token, 100_000);
    await sendPacket(alice.token, 20_001);
    await sendPacket(bob.token, 100, { message: '免单' });
    const token = await admin();
    const all = (await call(t, token, 'GET', '/v1/risk/decisions')).body;
    expect(all.data.map((d: any) => d.rule)).toEqual(['banned-words', 'tier-limit']);
    const mine = (await call(t, token, 'GET', `/v1/risk/decisions?account=${alice.userId}&outcome=block`)).body.data;
    expect(mine).toEqual([expect.objectContaining({ accountId: alice.userId, rule: 'tier-limit', outcome: 'block', action: 'create', amount: 20_001 })]);
    expect((await call(t, token, 'GET', '/v1/risk/decisions?rule=banned-words')).body.data).toHaveLength(1);
    const paged = (await call(t, token, 'GET', '/v1/risk/decisions?limit=1')).body;
    expect((await call(t, token, 'GET', `/v1/risk/decisions?limit=1&cursor=${paged.nextCursor}`)).body.data[0].rule).toBe('tier-limit');
  });
});
