import { businessDay } from '../clock';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { AuditLog } from '../audit/log';
import type { ServiceContext } from '../services/context';
import { RiskStore, type Standing } from '../store/risk';
import { DEFAULT_RULES } from './rules';
import type { RiskRequest, RiskRule, RuleEnv, Verdict } from './types';

/**
 * The risk pipeline (SPEC section 5). Services await `screen` inside the transaction of every packet
 * creation, claim and payment, before anything changes. Each rule looks at the request; the first
 * refusal stops the pipeline. Every verdict is recorded as a decision with its rule, outcome,
 * reason, subject and time, and in the audit log; restrictions, review flags and AML reports the
 * verdicts order are written with them.
 *
 * A refusal throws, and the throw rolls the caller's transaction back, which must leave nothing
 * changed: no money, no limit usage, no device use. Yet the record of why it was refused must
 * stay. So a refusal's records are not written inside the doomed transaction but registered with
 * `onRollback` and written in a transaction of their own right after the rollback (the database
 * awaits that before the failing transaction rejects, so the records exist when the caller sees
 * the refusal). (Screening in
 * a separate transaction before the change would need the change's own reads, such as the
 * verified code of a payment, twice; collecting the records after the fact keeps one pass.)
 * Verdicts that let the request through are written inside it, so they exist exactly when the
 * change committed.
 */
/** The restrictions that apply to a request: payment-only ones to payments, `all` ones to everything. */
const scopeOf = (request: RiskRequest): 'all' | 'payment' => (request.action === 'payment' ? 'payment' : 'all');

/** The error a refusing verdict gives its request. */
function refusalError(refusal: Verdict): AppError {
  return new AppError(refusal.errorCode ?? 'RISK_BLOCKED', refusal.reason, {
    ...refusal.details,
    rule: refusal.rule,
    reason: refusal.reason,
    until: refusal.until == null ? null : new Date(refusal.until).toISOString(),
  });
}

export class RiskEngine {
  readonly store: RiskStore;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly audit: AuditLog,
    private readonly rules: readonly RiskRule[] = DEFAULT_RULES,
  ) {
    this.store = new RiskStore(ctx.db);
  }

  /** Runs the pipeline over `request`; throws the refusing rule's error (with rule, reason, until) when refused. */
  async screen(request: RiskRequest): Promise<void> {
    const now = this.ctx.clock.now();
    let standing: Promise<Standing> | null = null;
    const { verdicts, refusal } = await this.evaluate(request, now, () => (standing ??= this.store.standing(request.account.id, request.deviceId, scopeOf(request), now)));
    if (refusal) {
      const record = () => this.ctx.db.tx(() => this.record(request, verdicts, now));
      if (this.ctx.db.inTransaction) this.ctx.db.onRollback(record);
      else await record();
      throw refusalError(refusal);
    }
    await this.ctx.db.tx(async () => {
      await this.record(request, verdicts, now);
      if (request.deviceId) await this.store.touchDevice(request.deviceId, request.account.id, now);
    });
  }

  /**
   * Screens requests that commit together (the claims of a batch, see ClaimService.claimTogether),
   * inside the caller's transaction. Their blacklist and restriction standings are one read for
   * all; then each goes through the rules as in `screen`. The caller's transaction commits whatever
   * the verdicts, so a refusal is not thrown: its records are written in that transaction, and its
   * error is given back in its request's place. A request let through gets `admit` instead, which
   * the caller runs only if the request then goes ahead: it records the verdicts and the device's
   * use, which a request that fails later must not leave behind (as `screen`'s rollback ensures).
   */
  async screenMany(requests: readonly RiskRequest[]): Promise<Array<{ error: AppError } | { admit: () => Promise<void> }>> {
    const now = this.ctx.clock.now();
    const subjects = requests.map((request) => ({ accountId: request.account.id, deviceId: request.deviceId }));
    const scopes = new Set(requests.map(scopeOf));
    if (scopes.size > 1) throw new Error('screenMany: requests of one scope only');
    let standings: Promise<Standing[]> | null = null;
    const outcomes: Array<{ error: AppError } | { admit: () => Promise<void> }> = [];
    for (const [index, request] of requests.entries()) {
      const { verdicts, refusal } = await this.evaluate(request, now, async () => (await (standings ??= this.store.standings(subjects, scopeOf(request), now)))[index]);
      if (refusal) {
        await this.record(request, verdicts, now);
        outcomes.push({ error: refusalError(refusal) });
        continue;
      }
      outcomes.push({
        admit: async () => {
          await this.record(request, verdicts, now);
          if (request.deviceId) await this.store.touchDevice(request.deviceId, request.account.id, now);
        },
      });
    }
    return outcomes;
  }

  /** The rules over `request`, in order, up to the first refusal. */
  private async evaluate(request: RiskRequest, now: number, standing: () => Promise<Standing>): Promise<{ verdicts: Verdict[]; refusal: Verdict | null }> {
    const env: RuleEnv = {
      config: this.ctx.config.risk,
      bannedWords: this.ctx.config.bannedWords,
      now,
      store: this.store,
      usedToday: (accountId) => this.ctx.stores.usage.used(accountId, businessDay(now)),
      standing,
    };
    const verdicts: Verdict[] = [];
    for (const rule of this.rules) {
      if (!rule.actions.includes(request.action)) continue;
      const verdict = await rule.evaluate(request, env);
      if (!verdict) continue;
      verdicts.push(verdict);
      if (verdict.refuse ?? verdict.outcome === 'block') return { verdicts, refusal: verdict };
    }
    return { verdicts, refusal: null };
  }

  private async record(request: RiskRequest, verdicts: Verdict[], now: number): Promise<void> {
    const account = request.account.id;
    if (verdicts.length === 0 && this.ctx.config.risk.recordAllowed) {
      await this.store.insertDecision({
        rule: 'pipeline',
        outcome: 'allow',
        reason: 'No rule objected.',
        action: request.action,
        account_id: account,
        device_id: request.deviceId,
        subject: request.subject,
        amount: request.amount,
        until: null,
        created_at: now,
      });
    }
    for (const verdict of verdicts) {
      const until = verdict.until ?? null;
      const decisionId = await this.store.insertDecision({
        rule: verdict.rule,
        outcome: verdict.outcome,
        reason: verdict.reason,
        action: request.action,
        account_id: account,
        device_id: request.deviceId,
        subject: request.subject,
        amount: request.amount,
        until,
        created_at: now,
      });
      const flagId = verdict.flag ? newId('flag') : null;
      if (flagId) {
        await this.store.insertFlag({ id: flagId, rule: verdict.rule, account_id: account, reason: verdict.reason, status: 'open', note: null, resolved_by: null, resolved_at: null, created_at: now });
      }
      for (const order of verdict.restrictions ?? []) {
        await this.store.insertRestriction({
          id: newId('rst'),
          subject_kind: order.kind,
          subject: order.subject,
          scope: order.scope,
          rule: verdict.rule,
          reason: verdict.reason,
          flag_id: flagId,
          until: order.until,
          lifted_at: null,
          created_at: now,
        });
      }
      if (verdict.report) {
        await this.store.insertAmlReport({ id: newId('aml'), account_id: account, action: request.action, reference: request.subject ?? '', amount: request.amount ?? 0, created_at: now });
      }
      const restricted = (verdict.restrictions ?? []).filter((order) => order.kind === 'account').map((order) => order.subject);
      await this.audit.append({
        type: `risk.${verdict.outcome}`,
        actorId: null,
        subjectId: request.subject ?? account,
        accountIds: [account, ...restricted],
        amount: request.amount ?? 0,
        data: {
          decision: decisionId,
          rule: verdict.rule,
          reason: verdict.reason,
          action: request.action,
          deviceId: request.deviceId,
          until,
          flag: flagId,
          refused: verdict.refuse ?? verdict.outcome === 'block',
        },
        at: now,
      });
    }
  }
}
