import { policyFor, regionFactor } from '../../services/limits';
import type { AccountRow } from '../../store/accounts';
import type { RiskRequest, RiskRule, RuleEnv, Verdict } from '../types';

/** Start of the next Asia/Shanghai business day (UTC+8 all year), when daily usage starts over. */
export function nextBusinessDay(now: number): number {
  const offset = 8 * 3_600_000;
  return Math.floor((now + offset) / 86_400_000) * 86_400_000 + 86_400_000 - offset;
}

async function checkLimits(rule: string, request: RiskRequest, env: RuleEnv, limits: { singleLimit: number; dailyLimit: number }, why: string): Promise<Verdict | null> {
  const amount = request.amount;
  if (amount === null) return null;
  const { singleLimit, dailyLimit } = limits;
  if (amount > singleLimit) {
    return {
      rule,
      outcome: 'block',
      errorCode: 'LIMIT_SINGLE_EXCEEDED',
      reason: `The amount ${amount} fen exceeds the ${why}single limit of ${singleLimit} fen.`,
      until: null,
      details: { limit: singleLimit },
    };
  }
  const used = await env.usedToday(request.account.id);
  if (used + amount > dailyLimit) {
    return {
      rule,
      outcome: 'block',
      errorCode: 'LIMIT_DAILY_EXCEEDED',
      reason: `The amount ${amount} fen would pass the ${why}daily limit of ${dailyLimit} fen (${used} fen used today).`,
      until: nextBusinessDay(env.now),
      details: { limit: dailyLimit, used },
    };
  }
  return null;
}

/** The tier's limits, or a region's raised ones when its factor is above 1. */
function tierLimits(account: AccountRow, env: RuleEnv) {
  return policyFor(account, regionFactor(account, env.config.regionFactors) > 1 ? env.config.regionFactors : {});
}

/** Rule 1: the tier's (or the contract's) single and daily limits on money sent. */
export const tierLimit: RiskRule = {
  id: 'tier-limit',
  actions: ['create', 'payment'],
  async evaluate(request, env) {
    return checkLimits(this.id, request, env, tierLimits(request.account, env), '');
  },
};

/** Rule 7: a region's factor below 1 scales the limits down (dynamic limits for high-risk regions). */
export const regionLimit: RiskRule = {
  id: 'region-limit',
  actions: ['create', 'payment'],
  async evaluate(request, env) {
    const factor = regionFactor(request.account, env.config.regionFactors);
    if (factor >= 1) return null;
    return checkLimits(this.id, request, env, policyFor(request.account, env.config.regionFactors), `region ${request.account.region} (×${factor}) `);
  },
};
