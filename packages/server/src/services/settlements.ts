import type { Page, PaymentRefund, Settlement, SettlementsQuery } from '@hongbao/protocol';
import { businessDay, toIso } from '../clock';
import { csvLine, parseCsv } from '../domain/csv';
import { fail } from '../errors';
import { newId } from '../ids';
import type { SettlementRow, StatementLineRow } from '../store/settlements';
import type { Actor, ServiceContext } from './context';
import { requireTier } from './merchant-access';

/** The owner id of the platform's own ledger accounts (its `fees` income). */
export const PLATFORM_ACCOUNT = 'platform';

const DAY_MS = 86_400_000;
const SETTLEMENT_TIERS = ['enterprise', 'provider'] as const;
export const STATEMENT_HEADER = ['payment_id', 'created_at', 'payer_id', 'code_id', 'amount', 'fee', 'refunded', 'net'];

/** [start, end) of a business day in ms: Asia/Shanghai is UTC+8 all year. */
export function dayRange(day: string): { from: number; to: number } {
  const from = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00+08:00`) : NaN;
  if (Number.isNaN(from) || businessDay(from) !== day) fail('VALIDATION_FAILED', `${JSON.stringify(day)} is not a date; use YYYY-MM-DD.`, { field: 'date' });
  return { from, to: from + DAY_MS };
}

/** The business day before `day`. */
export const previousDay = (day: string): string => businessDay(dayRange(day).from - DAY_MS / 2);

export function settlementView(row: SettlementRow): Settlement {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    day: row.day,
    paymentCount: row.payment_count,
    gross: row.gross,
    refunds: row.refunds,
    fees: row.fees,
    net: row.net,
    createdAt: toIso(row.created_at),
  };
}

/** A statement line's figures: a refunded payment is given back whole and charged no fee. */
function lineFigures(line: StatementLineRow) {
  const fee = line.refunded > 0 ? 0 : line.fee;
  return { amount: line.amount, fee, refunded: line.refunded, net: line.amount - line.refunded - fee };
}

function statementCsv(lines: StatementLineRow[], totals: { gross: number; fees: number; refunds: number; net: number }): string {
  const rows = [csvLine(STATEMENT_HEADER)];
  for (const line of lines) {
    const figures = lineFigures(line);
    rows.push(csvLine([line.id, toIso(line.created_at), line.payer_id, line.code_id, figures.amount, figures.fee, figures.refunded, figures.net]));
  }
  rows.push(csvLine(['TOTAL', '', '', '', totals.gross, totals.fees, totals.refunds, totals.net]));
  return `${rows.join('\r\n')}\r\n`;
}

export interface ReconciliationResult {
  day: string;
  ok: boolean;
  settlements: Array<{ id: string; merchantId: string; gross: number; fees: number; refunds: number; net: number }>;
  problems: string[];
}

/**
 * D+1 settlement (SPEC section 7). Money that enterprise and provider merchants receive waits in
 * their `pending` account; the run for a business day (Asia/Shanghai) moves, per merchant, the
 * day's net to the merchant's wallet and its fees to the platform's `fees` account, in one
 * transfer, with a CSV statement of every payment. A (merchant, day) is settled at most once: a
 * unique index and the ledger's unique transfer reference both guard it, so a rerun changes
 * nothing. Payments of a day may be refunded until that day is settled.
 */
export class SettlementService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Settles every merchant with payments on `day`, which must be over; returns each settlement, new or earlier. */
  async settleDay(day: string): Promise<Array<{ settlement: Settlement; created: boolean }>> {
    const { from, to } = dayRange(day);
    const today = businessDay(this.ctx.clock.now());
    if (day >= today) fail('VALIDATION_FAILED', `Business day ${day} is not over yet in Asia/Shanghai (today is ${today}); settle it from ${previousDay(day) === today ? 'tomorrow' : 'the day after'}.`, { field: 'date' });
    const results: Array<{ settlement: Settlement; created: boolean }> = [];
    for (const merchantId of await this.ctx.stores.settlements.merchantsWithPayments(from, to)) results.push(await this.settleMerchant(merchantId, day));
    return results;
  }

  /** Settles one merchant's day in one transaction, or returns the settlement made before. */
  async settleMerchant(merchantId: string, day: string): Promise<{ settlement: Settlement; created: boolean }> {
    const { from, to } = dayRange(day);
    return this.ctx.db.tx(async () => {
      const { settlements, ledger } = this.ctx.stores;
      const earlier = await settlements.byMerchantDay(merchantId, day);
      if (earlier) return { settlement: settlementView(earlier), created: false };
      const lines = await settlements.lines(merchantId, from, to);
      const totals = { gross: 0, fees: 0, refunds: 0, net: 0 };
      for (const line of lines) {
        const figures = lineFigures(line);
        totals.gross += figures.amount;
        totals.fees += figures.fee;
        totals.refunds += figures.refunded;
        totals.net += figures.net;
      }
      const now = this.ctx.clock.now();
      const transferId = await ledger.transfer('settlement', `${merchantId}:${day}`, [
        { account: await ledger.account(merchantId, 'pending'), amount: -(totals.net + totals.fees) },
        { account: await ledger.account(merchantId, 'wallet'), amount: totals.net },
        { account: await ledger.account(PLATFORM_ACCOUNT, 'fees'), amount: totals.fees },
      ], now);
      await settlements.markSettled(merchantId, from, to);
      const row: SettlementRow = {
        id: newId('stl'),
        merchant_id: merchantId,
        day,
        payment_count: lines.length,
        ...totals,
        transfer_id: transferId,
        statement: statementCsv(lines, totals),
        created_at: now,
      };
      await settlements.insert(row);
      await this.ctx.events.emit({
        type: 'settlement.completed',
        actorId: null,
        subjectId: row.id,
        accountIds: [merchantId],
        amount: row.net,
        data: { day, paymentCount: row.payment_count, gross: row.gross, fees: row.fees, refunds: row.refunds, net: row.net },
        at: now,
      });
      return { settlement: settlementView(row), created: true };
    });
  }

  /**
   * Gives a payment back to its payer, whole, before its day is settled: its pending money goes
   * back to the payer's wallet and no fee is charged on it. Only the payee may refund.
   */
  async refundPayment(actor: Actor, paymentId: string): Promise<PaymentRefund> {
    requireTier(actor, SETTLEMENT_TIERS, 'Refunds of payments awaiting settlement');
    return this.ctx.db.tx(async () => {
      const { settlements, ledger } = this.ctx.stores;
      const payment = await settlements.payment(paymentId);
      if (!payment || payment.payee_id !== actor.account.id) return fail('NOT_FOUND', `No payment ${paymentId} into your codes.`);
      if (payment.status === 'refunded') fail('FORBIDDEN', `Payment ${paymentId} has already been refunded.`);
      if (payment.status !== 'pending_settlement') fail('FORBIDDEN', `Payment ${paymentId} is settled; its day's money has moved to your wallet, so send the payer a packet instead.`);
      const now = this.ctx.clock.now();
      await settlements.refund(paymentId, payment.payee_id, payment.amount, now);
      await ledger.transfer('payment.refund', paymentId, [
        { account: await ledger.account(payment.payee_id, 'pending'), amount: -payment.amount },
        { account: await ledger.account(payment.payer_id, 'wallet'), amount: payment.amount },
      ], now);
      await this.ctx.events.emit({ type: 'payment.refunded', actorId: actor.account.id, subjectId: paymentId, accountIds: [payment.payer_id, payment.payee_id], amount: payment.amount, data: {}, at: now });
      return { paymentId, payerId: payment.payer_id, amount: payment.amount, createdAt: toIso(now) };
    });
  }

  async list(actor: Actor, query: SettlementsQuery): Promise<Page<Settlement>> {
    requireTier(actor, SETTLEMENT_TIERS, 'Settlements');
    const limit = query.limit ?? 20;
    if (query.cursor !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(query.cursor)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
    const rows = await this.ctx.stores.settlements.list(actor.account.id, query.day, query.cursor ?? null, limit + 1);
    return { data: rows.slice(0, limit).map(settlementView), nextCursor: rows.length > limit ? rows[limit - 1].day : null };
  }

  async get(actor: Actor, id: string): Promise<Settlement> {
    return settlementView(await this.owned(actor, id));
  }

  async statement(actor: Actor, id: string): Promise<{ filename: string; csv: string }> {
    const row = await this.owned(actor, id);
    return { filename: `hongbao-statement-${row.day}-${row.merchant_id}.csv`, csv: row.statement };
  }

  /**
   * Proves, for every settlement of `day`, that its statement equals the ledger: the statement's
   * lines add up to its TOTAL row and to the settlement; the lines are exactly the merchant's
   * payments of the day; the payments' ledger transfers into `pending` add up to the gross and the
   * refunds' out of it to the refunds; and the settlement transfer moved the net to the wallet,
   * the fees to the platform and both out of `pending`. Also reports merchants left unsettled.
   */
  async reconcile(day: string): Promise<ReconciliationResult> {
    const { from, to } = dayRange(day);
    const { settlements } = this.ctx.stores;
    const problems: string[] = [];
    const rows = await settlements.byDay(day);
    const settled = new Set(rows.map((row) => row.merchant_id));
    for (const merchantId of await settlements.merchantsWithPayments(from, to)) {
      if (!settled.has(merchantId)) problems.push(`merchant ${merchantId} has payments on ${day} but no settlement`);
    }
    for (const row of rows) {
      const say = (problem: string) => problems.push(`settlement ${row.id} (${row.merchant_id}): ${problem}`);
      const [header, ...body] = parseCsv(row.statement);
      if (header.join(',') !== STATEMENT_HEADER.join(',')) say('statement header is not the statement format');
      const totalRow = body.pop();
      const sums = { gross: 0, fees: 0, refunds: 0, net: 0 };
      for (const line of body) {
        const [amount, fee, refunded, net] = line.slice(4).map(Number);
        if (amount - refunded - fee !== net) say(`line ${line[0]}: ${amount} - ${refunded} - ${fee} is not ${net}`);
        sums.gross += amount;
        sums.fees += fee;
        sums.refunds += refunded;
        sums.net += net;
      }
      const total = { gross: Number(totalRow?.[4]), fees: Number(totalRow?.[5]), refunds: Number(totalRow?.[6]), net: Number(totalRow?.[7]) };
      for (const key of ['gross', 'fees', 'refunds', 'net'] as const) {
        if (totalRow?.[0] !== 'TOTAL' || total[key] !== sums[key]) say(`statement lines sum to ${key} ${sums[key]} but its TOTAL row says ${totalRow?.[0] === 'TOTAL' ? total[key] : 'nothing'}`);
        if (row[key] !== sums[key]) say(`statement ${key} ${sums[key]} differs from the settlement's ${row[key]}`);
      }
      const listed = body.map((line) => line[0]);
      const actual = (await settlements.lines(row.merchant_id, from, to)).map((line) => line.id);
      if (listed.join(',') !== actual.join(',')) say(`statement lists ${listed.length} payments but the merchant has ${actual.length} on ${day}`);
      const refunded = body.filter((line) => Number(line[6]) > 0).map((line) => line[0]);
      const intoPending = await settlements.ledgerSum('payment', listed, row.merchant_id, 'pending');
      if (intoPending !== sums.gross) say(`ledger shows ${intoPending} paid into pending, statement gross is ${sums.gross}`);
      const refundedFromPending = -(await settlements.ledgerSum('payment.refund', refunded, row.merchant_id, 'pending'));
      if (refundedFromPending !== sums.refunds) say(`ledger shows ${refundedFromPending} refunded from pending, statement refunds are ${sums.refunds}`);
      const legs = row.transfer_id ? await settlements.transferLegs(row.transfer_id) : [];
      const leg = (owner: string, type: string) => legs.filter((entry) => entry.owner_id === owner && entry.type === type).reduce((sum, entry) => sum + entry.amount, 0);
      if (leg(row.merchant_id, 'wallet') !== sums.net) say(`ledger moved ${leg(row.merchant_id, 'wallet')} to the wallet, statement net is ${sums.net}`);
      if (leg(PLATFORM_ACCOUNT, 'fees') !== sums.fees) say(`ledger moved ${leg(PLATFORM_ACCOUNT, 'fees')} to platform fees, statement fees are ${sums.fees}`);
      if (leg(row.merchant_id, 'pending') !== -(sums.net + sums.fees)) say(`ledger took ${-leg(row.merchant_id, 'pending')} from pending, statement net + fees is ${sums.net + sums.fees}`);
    }
    return { day, ok: problems.length === 0, settlements: rows.map((row) => ({ id: row.id, merchantId: row.merchant_id, gross: row.gross, fees: row.fees, refunds: row.refunds, net: row.net })), problems };
  }

  private async owned(actor: Actor, id: string): Promise<SettlementRow> {
    requireTier(actor, SETTLEMENT_TIERS, 'Settlements');
    const row = await this.ctx.stores.settlements.byId(id);
    if (!row || row.merchant_id !== actor.account.id) return fail('NOT_FOUND', `No settlement ${id}.`);
    return row;
  }
}

/** When the daily run starts: 00:30 in Asia/Shanghai, settling the day before. */
export const SETTLEMENT_RUN_MINUTES_AFTER_MIDNIGHT = 30;

/**
 * Runs the D+1 settlement every day at 00:30 Asia/Shanghai for the day before, and once at start
 * when that time has passed (a server that was down at 00:30 catches up). Runs are idempotent, so
 * several instances may all run it.
 */
export class SettlementScheduler {
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  /** The run in progress, if any. */
  private running: Promise<void> | null = null;

  constructor(private readonly ctx: ServiceContext, private readonly settlements: SettlementService) {}

  /** The next 00:30 Asia/Shanghai strictly after `now`. */
  static nextRunAt(now: number): number {
    const today = dayRange(businessDay(now)).from + SETTLEMENT_RUN_MINUTES_AFTER_MIDNIGHT * 60_000;
    return today > now ? today : today + DAY_MS;
  }

  /** Settles the day before today if today's run time has passed; returns what it settled. */
  async runDue(): Promise<Array<{ settlement: Settlement; created: boolean }>> {
    const now = this.ctx.clock.now();
    const today = businessDay(now);
    if (now < dayRange(today).from + SETTLEMENT_RUN_MINUTES_AFTER_MIDNIGHT * 60_000) return [];
    return this.settlements.settleDay(previousDay(today));
  }

  start(onError: (error: unknown) => void = (error) => console.error('settlement run failed', error)): void {
    if (this.started) return;
    this.started = true;
    const tick = async () => {
      this.timer = null;
      try {
        await this.runDue();
      } catch (error) {
        onError(error);
      }
      if (!this.started) return;
      // Re-armed from the clock each time (at most an hour ahead), so sleeps and clock changes cannot skip a day.
      this.timer = setTimeout(run, Math.min(SettlementScheduler.nextRunAt(this.ctx.clock.now()) - this.ctx.clock.now(), 3_600_000));
      this.timer.unref();
    };
    const run = () => {
      this.running = tick().finally(() => {
        this.running = null;
      });
    };
    run();
  }

  /** Stops the schedule; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
