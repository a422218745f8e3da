import type { RiskRule } from '../types';
import { amlLargeTransaction } from './aml';
import { bannedWords } from './banned-words';
import { blacklist } from './blacklist';
import { deviceAccounts } from './device-accounts';
import { regionLimit, tierLimit } from './limits';
import { nightSmallPayments } from './night-small-payments';
import { restriction } from './restriction';
import { sameAmountStreak } from './same-amount-streak';
import { sharedDeviceCode } from './shared-device-code';

/**
 * The default pipeline, in order: who is refused outright first (blacklist, standing
 * restrictions), then what is wrong with the request itself (words, limits), then behaviour
 * (devices, night-time patterns), and last the outcomes that let a request through (freeze, report).
 */
export const DEFAULT_RULES: readonly RiskRule[] = [
  blacklist,
  restriction,
  bannedWords,
  tierLimit,
  regionLimit,
  deviceAccounts,
  sharedDeviceCode,
  nightSmallPayments,
  sameAmountStreak,
  amlLargeTransaction,
];

/** Rule ids an operator can filter decisions by (restrictions are recorded under the rule that placed them). */
export const RULE_IDS: readonly string[] = DEFAULT_RULES.filter((rule) => rule.id !== 'restriction').map((rule) => rule.id);
