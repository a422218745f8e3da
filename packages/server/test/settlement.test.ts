import { feeFor, type MerchantCredentials } from '@hongbao/protocol';
import { runCli } from '../src/cli';
import { ManualClock } from '../src/clock';
import { parseCsv } from '../src/domain/csv';
import { PLATFORM_ACCOUNT, SettlementScheduler } from '../src/services/settlements';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call, createCollectCode, pay, type Caller } from './helpers/codes';

/** A business day well in the past, so the CLI (on the real clock) may settle it too. */
const DAY = '2025-03-10';
const at = (time: string, day = DAY) => Date.parse(`${day}T${time}+08:00`);

let t: TestApp;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(at('08:00:00'));
  t = await createTestApp({ clock });
});
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

const services = () => t.app.hongbao.services;
const balance = (owner: string, type: string) => t.app.hongbao.ctx.stores.ledger.balanceOf(owner, type as 'wallet');
const ledgerSnapshot = () => t.database.all('SELECT owner_id, type, balance FROM ledger_accounts ORDER BY owner_id, type');

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  await t.database.flush();
  const result = await runCli(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {} });
  return { exitCode: result.exitCode, stdout, stderr };
}

interface Scenario {
  merchants: Record<'lowFee' | 'highFee' | 'provider', MerchantCredentials>;
  /** Every payment made, with who received it and when. */
  payments: Array<{ id: string; payee: string; amount: number; fee: number; day: string }>;
  refunded: Set<string>;
  shop: { token: string; userId: string };
}

/**
 * A day of mixed traffic: two enterprise merchants at 0.6% and 1%, a provider at 0.38%, and a
 * personal shop (no fee, not settled); payments through the day and right after midnight;
 * refunds of some of them.
 */
async function mixedDay(): Promise<Scenario> {
  const merchants = {
    lowFee: await t.merchant({ tier: 'enterprise', name: '便利店', feeRate: 0.006 }),
    highFee: await t.merchant({ tier: 'enterprise', name: '咖啡馆', feeRate: 0.01 }),
    provider: await t.merchant({ tier: 'provider', name: '服务商', feeRate: 0.0038 }),
  };
  const shop = await t.login('shop');
  const payers = [];
  for (let i = 0; i < 4; i++) {
    const payer = await t.login(`payer-${i}`);
    await t.topup(payer.token, 100_000);
    payers.push(payer);
  }
  const payments: Scenario['payments'] = [];
  const rates: Record<string, number> = { [merchants.lowFee.accountId]: 60, [merchants.highFee.accountId]: 100, [merchants.provider.accountId]: 38, [shop.userId]: 0 };
  const payees: Array<[Caller, string]> = [
    [merchants.lowFee, merchants.lowFee.accountId],
    [merchants.highFee, merchants.highFee.accountId],
    [merchants.provider, merchants.provider.accountId],
    [shop.token, shop.userId],
  ];
  // Amounts chosen so the fees round both ways (e.g. 0.6% of 1,249 is 7.494 → 7; of 1,258 is 7.548 → 8).
  const amounts = [1_249, 1_258, 99, 5_000, 3_333, 1, 20_000, 777];
  const times = ['08:05:00', '11:30:00', '13:00:00', '18:45:00', '23:59:59'];
  let n = 0;
  for (const time of times) {
    clock.set(at(time));
    for (const [caller, payee] of payees) {
      const amount = amounts[n % amounts.length];
      const payer = payers[n % payers.length];
      n++;
      // Code tokens live minutes and the clock jumps hours: a fresh code for each payment.
      const token = (await createCollectCode(t, caller)).token;
      const answer = await pay(t, payer.token, token, { amount });
      expect(answer.status).toBe(201);
      payments.push({ id: answer.body.payment.id, payee, amount, fee: answer.body.payment.fee, day: DAY });
      expect(answer.body.payment.fee).toBe(feeFor(amount, rates[payee]));
    }
  }
  // Refunds during the day: one each for two merchants.
  const refunded = new Set<string>();
  for (const [caller, payment] of [[merchants.lowFee, payments[0]], [merchants.provider, payments[6]]] as const) {
    const answer = await call(t, caller, 'POST', `/v1/payments/${payment.id}/refund`, {});
    expect(answer.status).toBe(201);
    expect(answer.body.refund).toMatchObject({ paymentId: payment.id, amount: payment.amount });
    refunded.add(payment.id);
  }
  // Just after midnight: the next business day.
  clock.set(at('00:00:01', '2025-03-11'));
  for (const [caller, payee] of payees.slice(0, 3)) {
    const answer = await pay(t, payers[0].token, (await createCollectCode(t, caller)).token, { amount: 500 });
    payments.push({ id: answer.body.payment.id, payee, amount: 500, fee: answer.body.payment.fee, day: '2025-03-11' });
  }
  return { merchants, payments, refunded, shop };
}

function expected(scenario: Scenario, merchantId: string) {
  const mine = scenario.payments.filter((payment) => payment.payee === merchantId && payment.day === DAY);
  const gross = mine.reduce((sum, p) => sum + p.amount, 0);
  const refunds = mine.filter((p) => scenario.refunded.has(p.id)).reduce((sum, p) => sum + p.amount, 0);
  const fees = mine.filter((p) => !scenario.refunded.has(p.id)).reduce((sum, p) => sum + p.fee, 0);
  return { paymentCount: mine.length, gross, refunds, fees, net: gross - refunds - fees };
}

describe('D+1 settlement', () => {
  it('settles a day of mixed traffic: statement totals equal the ledger to the fen', async () => {
    const scenario = await mixedDay();
    const { merchants } = scenario;
    const pendingBefore: Record<string, number> = {};
    for (const m of Object.values(merchants)) pendingBefore[m.accountId] = await balance(m.accountId, 'pending');
    clock.set(at('00:30:00', '2025-03-11'));
    const results = await services().settlements.settleDay(DAY);
    expect(results).toHaveLength(3);
    expect(results.every((result) => result.created)).toBe(true);

    let totalFees = 0;
    for (const merchant of Object.values(merchants)) {
      const want = expected(scenario, merchant.accountId);
      totalFees += want.fees;
      const list = await call(t, merchant, 'GET', '/v1/settlements');
      expect(list.body.data).toEqual([expect.objectContaining({ merchantId: merchant.accountId, day: DAY, ...want })]);
      const settlement = list.body.data[0];
      // The ledger: net into the wallet; what is left pending is exactly the next day's payment.
      expect(await balance(merchant.accountId, 'wallet')).toBe(want.net);
      expect(await balance(merchant.accountId, 'pending')).toBe(500);
      expect(pendingBefore[merchant.accountId] - (await balance(merchant.accountId, 'pending'))).toBe(want.net + want.fees);

      const statement = await t.app.inject({ method: 'GET', url: `/v1/settlements/${settlement.id}/statement.csv`, ...t.signed(merchant, 'GET', `/v1/settlements/${settlement.id}/statement.csv`) });
      expect(statement.headers['content-type']).toMatch(/^text\/csv/);
      const [header, ...lines] = parseCsv(statement.body);
      expect(header).toEqual(['payment_id', 'created_at', 'payer_id', 'code_id', 'amount', 'fee', 'refunded', 'net']);
      const total = lines.pop()!;
      expect(lines).toHaveLength(want.paymentCount);
      const column = (index: number) => lines.reduce((sum, line) => sum + Number(line[index]), 0);
      expect({ gross: column(4), fees: column(5), refunds: column(6), net: column(7) }).toEqual({ gross: want.gross, fees: want.fees, refunds: want.refunds, net: want.net });
      expect(total.slice(4).map(Number)).toEqual([want.gross, want.fees, want.refunds, want.net]);
    }
    expect(await balance(PLATFORM_ACCOUNT, 'fees')).toBe(totalFees);
    // The personal shop was paid straight into its wallet and is not settled.
    expect(await t.database.get('SELECT COUNT(*) AS n FROM settlements WHERE merchant_id = ?', scenario.shop.userId)).toEqual({ n: 0 });

    // Payments show as settled (or refunded) now.
    const statuses = await t.database.all("SELECT p.status, COUNT(*) AS n FROM payments p JOIN accounts a ON a.id = p.payee_id WHERE a.kind = 'merchant' GROUP BY p.status ORDER BY p.status");
    expect(statuses).toEqual([
      { status: 'completed', n: 13 },
      { status: 'pending_settlement', n: 3 },
      { status: 'refunded', n: 2 },
    ]);
    expect(await services().settlements.reconcile(DAY)).toMatchObject({ ok: true, problems: [] });
  });

  it('changes nothing when run again, by the service or the CLI', async () => {
    const scenario = await mixedDay();
    clock.set(at('01:00:00', '2025-03-11'));
    const first = await services().settlements.settleDay(DAY);
    await t.database.flush();
    const before = await ledgerSnapshot();
    const again = await services().settlements.settleDay(DAY);
    expect(again.map((result) => result.created)).toEqual([false, false, false]);
    expect(again.map((result) => result.settlement)).toEqual(first.map((result) => result.settlement));
    const byCli = await cli(['settle', '--date', DAY, '--db', t.db]);
    expect(byCli.exitCode).toBe(0);
    expect(byCli.stdout).toContain('already settled');
    expect(byCli.stdout).toContain('Reconciled: 3 statements equal the ledger.');
    expect(await ledgerSnapshot()).toEqual(before);
    expect(await t.database.get('SELECT COUNT(*) AS n FROM settlements')).toEqual({ n: 3 });
    const reconciled = await cli(['reconcile', '--date', DAY, '--db', t.db]);
    expect(reconciled.exitCode).toBe(0);
    expect(reconciled.stdout).toContain(`OK: 3 statements of ${DAY} equal the ledger.`);
    expect(scenario.payments.length).toBeGreaterThan(0);
  });

  it('lets the CLI settle a day, and reconcile catch a statement that no longer matches the ledger', async () => {
    await mixedDay();
    clock.set(at('01:00:00', '2025-03-11'));
    const settled = await cli(['settle', '--date', DAY, '--db', t.db]);
    expect(settled.exitCode).toBe(0);
    expect(settled.stdout.match(/— settled \(stl_/g)).toHaveLength(3);
    // Tamper with one statement (a line after its TOTAL): reconciliation must notice.
    await t.database.run("UPDATE settlements SET statement = statement || 'x,2025-03-10T00:00:00.000Z,p,c,1,0,0,1' WHERE id = (SELECT MIN(id) FROM settlements)");
    const check = await cli(['reconcile', '--date', DAY, '--db', t.db]);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/MISMATCH/);
  });

  it('refuses a day that is not over, a refund after settlement, and a second refund', async () => {
    const { merchants, payments } = await mixedDay();
    clock.set(at('12:00:00', '2025-03-11'));
    await expect(services().settlements.settleDay('2025-03-11')).rejects.toThrow(/not over yet/);
    await expect(services().settlements.settleDay('2025-02-30')).rejects.toThrow(/not a date/);
    const second = await call(t, merchants.lowFee, 'POST', `/v1/payments/${payments[0].id}/refund`, {});
    expect(second.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/already been refunded/) });
    await services().settlements.settleDay(DAY);
    const settledPayment = payments.find((p) => p.payee === merchants.highFee.accountId && p.day === DAY)!;
    const late = await call(t, merchants.highFee, 'POST', `/v1/payments/${settledPayment.id}/refund`, {});
    expect(late.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/settled/) });
    const notMine = await call(t, merchants.lowFee, 'POST', `/v1/payments/${settledPayment.id}/refund`, {});
    expect(notMine.body.error.code).toBe('NOT_FOUND');
  });

  it('tells the merchant by a settlement.completed webhook event, written with the settlement', async () => {
    const { merchants } = await mixedDay();
    await call(t, merchants.provider, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['settlement.completed'] });
    clock.set(at('00:31:00', '2025-03-11'));
    await services().settlements.settleDay(DAY);
    const events = await t.database.all<{ body: string }>("SELECT body FROM webhook_events WHERE type = 'settlement.completed'");
    expect(events).toHaveLength(1);
    const event = JSON.parse(events[0].body);
    expect(event.data).toMatchObject({ day: DAY, settlementId: expect.stringMatching(/^stl_/), net: await balance(merchants.provider.accountId, 'wallet') });
  });

  it('only lets enterprise and provider merchants see their own settlements', async () => {
    const { merchants } = await mixedDay();
    clock.set(at('02:00:00', '2025-03-11'));
    const [first] = await services().settlements.settleDay(DAY);
    const owner = Object.values(merchants).find((m) => m.accountId === first.settlement.merchantId)!;
    const other = Object.values(merchants).find((m) => m !== owner)!;
    expect((await call(t, owner, 'GET', `/v1/settlements/${first.settlement.id}`)).body.settlement).toEqual(first.settlement);
    expect((await call(t, other, 'GET', `/v1/settlements/${first.settlement.id}`)).status).toBe(404);
    const user = await t.login('nosy');
    expect((await call(t, user.token, 'GET', '/v1/settlements')).body.error.code).toBe('TIER_API_FORBIDDEN');
  });
});

describe('the settlement schedule', () => {
  it('runs at 00:30 Asia/Shanghai for the day before, and not earlier', async () => {
    await mixedDay();
    const scheduler = new SettlementScheduler(t.app.hongbao.ctx, services().settlements);
    clock.set(at('00:29:59', '2025-03-11'));
    expect(await scheduler.runDue()).toEqual([]);
    expect(SettlementScheduler.nextRunAt(clock.now())).toBe(at('00:30:00', '2025-03-11'));
    clock.set(at('00:30:00', '2025-03-11'));
    expect(SettlementScheduler.nextRunAt(clock.now())).toBe(at('00:30:00', '2025-03-12'));
    const run = await scheduler.runDue();
    expect(run.map((result) => result.settlement.day)).toEqual([DAY, DAY, DAY]);
    expect((await scheduler.runDue()).every((result) => !result.created)).toBe(true);
  });
});
