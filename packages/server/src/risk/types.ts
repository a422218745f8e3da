import type { ErrorCode } from '@hongbao/protocol';
import type { RiskConfig } from '../config';
import type { AccountRow } from '../store/accounts';
import type { CodeRow } from '../store/codes';
import type { RiskOutcome, RiskStore, Standing } from '../store/risk';

export type { RiskOutcome } from '../store/risk';

/** The operations the pipeline screens (SPEC section 5). */
export type RiskAction = 'create' | 'claim' | 'payment';

/** One operation about to happen, as the rules see it. */
export interface RiskRequest {
  action: RiskAction;
  account: AccountRow;
  /** The device the request came from: the body's deviceId, else the session's. */
  deviceId: string | null;
  /** Money leaving the account, fen (null for a claim: a share's size is known only as it is taken). */
  amount: number | null;
  /** The blessing sent with a packet or payment. */
  message?: string;
  /** The collect code a payment goes into. */
  code?: CodeRow;
  /** The packet, payment or code the request is about, when known. */
  subject: string | null;
}

/** A restriction a rule places: the subject is refused (for `scope`) until `until`. */
export interface RestrictionOrder {
  kind: 'account' | 'device';
  subject: string;
  scope: 'all' | 'payment';
  until: number;
}

/** What a rule decided about a request; a rule with nothing to say returns null (allow). */
export interface Verdict {
  rule: string;
  outcome: RiskOutcome;
  reason: string;
  /** Whether the request is refused; defaults to `outcome === 'block'`. */
  refuse?: boolean;
  /** The error a refusal answers with; RISK_BLOCKED unless the rule has its own. */
  errorCode?: ErrorCode;
  /** When the refusal stops applying, ms; null when only a person can lift it. */
  until?: number | null;
  /** Extra error details (e.g. the limit and usage for limit rules). */
  details?: Record<string, unknown>;
  restrictions?: RestrictionOrder[];
  /** Open a review flag for a person to look at. */
  flag?: boolean;
  /** File an AML large-transaction report. */
  report?: boolean;
}

/** What rules may read: their thresholds, the clock's now and the risk tables (read asynchronously). */
export interface RuleEnv {
  config: RiskConfig;
  bannedWords: readonly string[];
  now: number;
  store: RiskStore;
  /** Fen the account has sent today (Asia/Shanghai business day). */
  usedToday(accountId: string): Promise<number>;
  /**
   * The request's account and device: blacklisted, restricted for the request's scope (payments,
   * or all)? Read once per screening, whichever rule asks first.
   */
  standing(): Promise<Standing>;
}

/**
 * One rule: a small module with an id, the actions it looks at, and a pure-ish evaluation. A rule
 * that reads the database returns a promise; it awaits only database reads (it runs inside the
 * caller's transaction).
 */
export interface RiskRule {
  id: string;
  actions: readonly RiskAction[];
  evaluate(request: RiskRequest, env: RuleEnv): Verdict | null | Promise<Verdict | null>;
}
