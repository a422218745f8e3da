import type { MerchantCredentials } from '@hongbao/protocol';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call, type Answer } from './helpers/codes';

/**
 * Share-card claims of one packet arriving together are taken in batches: one transaction, and a
 * statement per step for the whole batch rather than per claim (ClaimService.claimTogether). The
 * outcomes must be those of claims made one at a time, claim by claim, on both stores.
 */
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

const services = () => t.app.hongbao.services;

async function merchantPacket(count: number, total: number, extra: Record<string, unknown> = {}) {
  const merchant: MerchantCredentials = await t.merchant({ tier: 'provider', name: '新年活动服务商' });
  expect((await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: total })).status).toBe(201);
  const answer = await call(t, merchant, 'POST', '/v1/packets', { mode: 'random', total, count, scene: 'new-year', ...extra });
  expect(answer.status).toBe(201);
  return { merchant, packet: answer.body.packet as { id: string; senderId: string } };
}

const claim = (token: string, packetId: string, deviceId?: string): Promise<Answer> => call(t, token, 'POST', '/v1/claims', { packetId, deviceId });

async function users(prefix: string, n: number) {
  const out: Array<{ token: string; userId: string }> = [];
  for (let i = 0; i < n; i++) out.push(await t.login(`${prefix}-${i}`));
  return out;
}

/**
 * Each 201 shows the packet as its own claim left it: claims counted up to and including it (each
 * count once), the amounts up to it summed, the last one finished, the versions rising.
 */
function expectPacketAfterEachClaim(won: Answer[], count: number) {
  const inOrder = [...won].sort((a, b) => a.body.packet.claimedCount - b.body.packet.claimedCount);
  let sum = 0;
  for (const [position, answer] of inOrder.entries()) {
    sum += answer.body.claim.amount;
    expect(answer.body.packet).toMatchObject({ claimedCount: position + 1, claimedAmount: sum });
    expect(answer.body.packet.status).toBe(position + 1 === count ? 'finished' : 'active');
  }
  const versions = inOrder.map((answer) => answer.body.packet.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
}

describe('claims of one share card arriving together', () => {
  it('hands out every share once, in slot order, with each response, ledger entry, audit entry and webhook event as one claim at a time would have', async () => {
    const { merchant, packet } = await merchantPacket(60, 60_000);
    const endpoint = await call(t, merchant, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', events: ['packet.claimed'] });
    expect(endpoint.status).toBe(201);
    const racers = await users('batch', 90);
    const before = { ...services().claims.stats };

    const answers = await Promise.all(racers.map((racer) => claim(racer.token, packet.id)));

    const won = answers.filter((answer) => answer.status === 201);
    expect(won).toHaveLength(60);
    expect(answers.filter((answer) => answer.status !== 201).map((answer) => `${answer.status} ${answer.body.error.code}`)).toEqual(Array(30).fill('409 PACKET_EXHAUSTED'));
    expect(won.reduce((sum, answer) => sum + answer.body.claim.amount, 0)).toBe(60_000);
    expectPacketAfterEachClaim(won, 60);
    expect(won.filter((answer) => answer.body.packet.luckiest !== null)).toHaveLength(1);
    // At least one batch of several, and none that had to fall back to claims one by one.
    expect(services().claims.stats.batches).toBeGreaterThan(before.batches);
    expect(services().claims.stats.fallbacks).toBe(before.fallbacks);

    // Every wallet got its share, and the escrow's entries run down one claim at a time.
    for (const answer of won) {
      const wallet = await t.database.get<{ balance: number }>("SELECT balance FROM ledger_accounts WHERE owner_id = ? AND type = 'wallet'", answer.body.claim.userId);
      expect(Number(wallet!.balance)).toBe(answer.body.claim.amount);
    }
    const escrow = await t.database.all<{ amount: number; balance_after: number }>(
      `SELECT e.amount, e.balance_after FROM ledger_entries e JOIN packets p ON p.escrow_account_id = e.ledger_account_id WHERE p.id = ? ORDER BY e.id`,
      packet.id,
    );
    let running = 0;
    for (const entry of escrow) {
      running += Number(entry.amount);
      expect(Number(entry.balance_after)).toBe(running);
    }
    expect(running).toBe(0);

    await services().audit.settle(true);
    const audited = await t.database.all<{ data: string }>("SELECT data FROM audit_log WHERE type = 'packet.claimed' AND subject_id = ?", packet.id);
    expect(new Set(audited.map((row) => JSON.parse(row.data).claimId))).toEqual(new Set(won.map((answer) => answer.body.claim.id)));
    expect((await services().audit.verify()).ok).toBe(true);
    const events = await t.database.all<{ body: string }>("SELECT body FROM webhook_events WHERE type = 'packet.claimed'");
    expect(new Set(events.map((row) => JSON.parse(row.body).data.claimId))).toEqual(new Set(won.map((answer) => answer.body.claim.id)));
  });

  it('judges each claim of a batch on its own: blacklisted, already claimed, twice at once, and not the recipient', async () => {
    const { packet } = await merchantPacket(20, 20_000);
    const [early, banned, twice, ...rest] = await users('mixed', 12);
    expect((await claim(early.token, packet.id)).status).toBe(201);
    const admin = (await services().admin.createStaffUser('风控管理员', 'admin')).token;
    expect((await call(t, admin, 'POST', '/v1/blacklist', { kind: 'account', value: banned.userId, reason: '盗号' })).status).toBe(201);

    const callers = [early, banned, twice, twice, ...rest];
    const batchesBefore = services().claims.stats.batches;
    // Each from a device of its own: only the claims that went ahead may leave their device's use behind.
    const answers = await Promise.all(callers.map((caller, index) => claim(caller.token, packet.id, `device-${index}`)));

    expect(answers[0].body.error).toMatchObject({ code: 'ALREADY_CLAIMED', claim: { userId: early.userId } });
    expect(answers[1].body.error).toMatchObject({ code: 'RISK_BLOCKED', rule: 'blacklist' });
    expect([answers[2].status, answers[3].status].sort()).toEqual([201, 409]);
    const second = answers[2].status === 409 ? answers[2] : answers[3];
    const first = answers[2].status === 201 ? answers[2] : answers[3];
    expect(second.body.error).toMatchObject({ code: 'ALREADY_CLAIMED', claim: { id: first.body.claim.id } });
    expect(answers.slice(4).map((answer) => answer.status)).toEqual(Array(rest.length).fill(201));
    const won = [first, ...answers.slice(4)];
    expect(services().claims.stats.batches).toBeGreaterThan(batchesBefore);
    expect(new Set(won.map((answer) => answer.body.packet.claimedCount)).size).toBe(won.length);
    const devices = await t.database.all<{ device_id: string }>("SELECT device_id FROM device_accounts WHERE device_id LIKE 'device-%' ORDER BY device_id");
    const went = answers.flatMap((answer, index) => (answer.status === 201 ? [`device-${index}`] : []));
    expect(devices.map((row) => row.device_id)).toEqual([...went].sort());
    // The refusal of the blacklisted claim is recorded, and it changed nothing.
    const decisions = await t.database.all<{ rule: string; account_id: string }>("SELECT rule, account_id FROM risk_decisions WHERE outcome = 'block'");
    expect(decisions).toEqual([{ rule: 'blacklist', account_id: banned.userId }]);
    expect(await t.database.get("SELECT id FROM claims WHERE user_id = ?", banned.userId)).toBeUndefined();
    const packetRow = await t.database.get<{ claimed_count: number }>('SELECT claimed_count FROM packets WHERE id = ?', packet.id);
    expect(Number(packetRow!.claimed_count)).toBe(1 + won.length);

    // An exclusive packet: only its recipient gets it, whoever else arrives at the same time.
    const recipient = rest[0];
    const exclusive = await merchantPacket(1, 500, { mode: 'exclusive', recipient: recipient.userId });
    const racing = await Promise.all([rest[1], recipient, rest[2]].map((caller) => claim(caller.token, exclusive.packet.id)));
    expect(racing.map((answer) => answer.status === 201 ? 'won' : answer.body.error.code)).toEqual(['NOT_RECIPIENT', 'won', 'NOT_RECIPIENT']);
    expect(racing[1].body.packet.status).toBe('finished');
  });

  it('runs each claim on its own when the batch fails as a whole, and no outcome changes', async () => {
    const { packet } = await merchantPacket(30, 30_000);
    const racers = await users('fault', 30);
    const packets = t.app.hongbao.ctx.stores.packets;
    const takeShares = packets.takeShares.bind(packets);
    let failures = 0;
    // The fault: the first batch's claim statement fails with an error no transaction retries.
    packets.takeShares = async (input) => {
      if (failures++ === 0) throw new Error('injected fault');
      return takeShares(input);
    };
    const before = { ...services().claims.stats };
    const told: string[] = [];
    services().claims.onBatchFailure = (error) => told.push((error as Error).message);

    const answers = await Promise.all(racers.map((racer) => claim(racer.token, packet.id)));

    expect(told).toEqual(['injected fault']);
    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(201));
    expectPacketAfterEachClaim(answers, 30);
    expect(services().claims.stats.fallbacks).toBe(before.fallbacks + 1);
  });
});
