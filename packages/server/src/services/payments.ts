import { feeFor, SCENE_INFO, type Payment, type PaymentBody, type PaymentsPage, type Scene } from '@hongbao/protocol';
import { toIso } from '../clock';
import { maskName } from '../domain/mask';
import { fail } from '../errors';
import { newId } from '../ids';
import type { CodeRow } from '../store/codes';
import type { PaymentRow } from '../store/payments';
import type { CodeService, PollOptions } from './codes';
import type { Actor, ServiceContext } from './context';
import { policyFor, type LimitService } from './limits';
import { idCursor } from './packets';
import type { RiskEngine } from '../risk/engine';

function paymentView(row: PaymentRow, payerName: string): Payment {
  return {
    id: row.id,
    codeId: row.code_id,
    payerId: row.payer_id,
    payerName: maskName(payerName),
    payeeId: row.payee_id,
    amount: row.amount,
    fee: row.fee,
    message: row.message,
    status: row.status,
    createdAt: toIso(row.created_at),
  };
}

/**
 * Payments into collect codes (SPEC section 4): a payer scans the owner's code and sends a chosen
 * (or the code's fixed) amount with a blessing. Personal owners receive straight into their wallet;
 * enterprise and provider owners receive into their pending account until the D+1 settlement run,
 * with the fee worked out now at their rate and recorded on the payment.
 */
export class PaymentService {
  constructor(readonly ctx: ServiceContext, readonly limits: LimitService, readonly codes: CodeService, readonly risk: RiskEngine) {}

  /**
   * Pays into the collect code behind `body.token`, all in one transaction: any rejection leaves
   * balances, limits and the code exactly as they were. Paying into one's own code is FORBIDDEN:
   * it would move nothing yet count against limits and the code's streak.
   */
  async pay(actor: Actor, body: PaymentBody): Promise<Payment> {
    const payer = actor.account;
    return this.ctx.db.tx(async () => {
      const code = await this.codes.verifyToken(body.token, 'collect', body.location);
      if (code.owner_id === payer.id) fail('FORBIDDEN', 'You cannot pay into your own collect code.');
      const amount = this.amountFor(code, body.amount);
      const message = body.message ?? (code.scene ? SCENE_INFO[code.scene as Scene].defaultMessage : '');
      const paymentId = newId('pay');
      const deviceId = body.deviceId ?? actor.deviceId;
      // Risk rules (banned words, limits, devices, night-time patterns, AML, …) before anything changes.
      await this.risk.screen({ action: 'payment', account: payer, deviceId, amount, message, code, subject: paymentId });
      await this.limits.reserveDaily(payer, amount);

      const { accounts, ledger, payments } = this.ctx.stores;
      const owner = (await accounts.byId(code.owner_id))!;
      const settlesLater = owner.tier !== 'personal';
      const now = this.ctx.clock.now();
      const row: PaymentRow = {
        id: paymentId,
        code_id: code.id,
        payer_id: payer.id,
        payee_id: owner.id,
        amount,
        fee: settlesLater ? feeFor(amount, policyFor(owner).feeRateBps) : 0,
        message,
        status: settlesLater ? 'pending_settlement' : 'completed',
        device_id: deviceId,
        created_at: now,
      };
      await ledger.transfer(
        'payment',
        row.id,
        [
          { account: await ledger.account(payer.id, 'wallet'), amount: -amount },
          { account: await ledger.account(owner.id, settlesLater ? 'pending' : 'wallet'), amount },
        ],
        now,
      );
      await payments.insert(row);
      await this.ctx.events.emit({
        type: 'payment.received',
        actorId: payer.id,
        subjectId: row.id,
        accountIds: [payer.id, owner.id],
        amount,
        data: { codeId: code.id, fee: row.fee, status: row.status },
        at: now,
      });
      await this.codes.recordPayment(code, amount);
      return paymentView(row, payer.name);
    });
  }

  /**
   * Payments into the caller's collect code, newest first. `version` is the code's, so a client
   * long-polls with the version of its last page (`poll`) and hears of the next payment at once.
   */
  async list(actor: Actor, codeId: string, page: { cursor?: string; limit?: number }, poll: PollOptions = {}): Promise<PaymentsPage> {
    const before = idCursor(page.cursor, 'pay');
    const code = await this.codes.ownedCode(actor, codeId, 'collect');
    await this.codes.waitForChange(code, poll);
    const limit = page.limit ?? 20;
    // The version is read before the page: a payment committed in between is then in the page
    // with the older version, and the next poll answers at once; never the reverse.
    const version = (await this.ctx.stores.codes.byId(codeId))!.version;
    const rows = await this.ctx.stores.payments.byCode(codeId, before, limit + 1);
    return {
      data: rows.slice(0, limit).map((row) => paymentView(row, row.payer_name)),
      nextCursor: rows.length > limit ? String(rows[limit - 1].seq) : null,
      version,
    };
  }

  /** The code's fixed amount, or the payer's chosen one. */
  private amountFor(code: CodeRow, requested: number | undefined): number {
    if (code.fixed_amount !== null) {
      if (requested !== undefined && requested !== code.fixed_amount) {
        fail('VALIDATION_FAILED', `This code collects exactly ${code.fixed_amount} fen; send that amount or leave amount out.`, { field: 'amount' });
      }
      return code.fixed_amount;
    }
    if (requested === undefined) fail('VALIDATION_FAILED', 'amount is required: this code has no fixed amount.', { field: 'amount' });
    return requested!;
  }
}
