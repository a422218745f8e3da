import { TIER_POLICIES } from '@hongbao/protocol';
import { businessDay } from '../clock';
import { fail } from '../errors';
import type { AccountRow } from '../store/accounts';
import type { ServiceContext } from './context';

/** An account's effective policy: its tier's defaults with the account's own contract values. */
export function policyFor(account: AccountRow) {
  const tier = TIER_POLICIES[account.tier];
  return {
    tier,
    singleLimit: account.single_limit ?? tier.singleLimit,
    dailyLimit: account.daily_limit ?? tier.dailyLimit,
    feeRateBps: account.fee_rate_bps ?? tier.feeRateBps.default,
    codeTtlSeconds: account.code_ttl_seconds ?? tier.codeTtlSeconds,
  };
}

/** Tier limits on outgoing money (packets sent, payments made). */
export class LimitService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Throws LIMIT_SINGLE_EXCEEDED when one amount is above the account's single limit. */
  checkSingle(account: AccountRow, amount: number): void {
    const { singleLimit } = policyFor(account);
    if (amount > singleLimit) fail('LIMIT_SINGLE_EXCEEDED', `The amount ${amount} fen exceeds the single limit of ${singleLimit} fen.`, { limit: singleLimit });
  }

  /**
   * Counts `amount` against today's outgoing limit, inside the caller's transaction; throws
   * LIMIT_DAILY_EXCEEDED (and counts nothing) when it would pass the limit.
   */
  reserveDaily(account: AccountRow, amount: number): void {
    const { dailyLimit } = policyFor(account);
    const day = businessDay(this.ctx.clock.now());
    if (!this.ctx.stores.usage.add(account.id, day, amount, dailyLimit)) {
      const used = this.ctx.stores.usage.used(account.id, day);
      fail('LIMIT_DAILY_EXCEEDED', `The amount ${amount} fen would pass the daily limit of ${dailyLimit} fen (${used} fen used today).`, {
        limit: dailyLimit,
        used,
      });
    }
  }

  usage(account: AccountRow) {
    const { singleLimit, dailyLimit } = policyFor(account);
    const day = businessDay(this.ctx.clock.now());
    const usedToday = this.ctx.stores.usage.used(account.id, day);
    return { singleLimit, dailyLimit, usedToday, remainingToday: Math.max(0, dailyLimit - usedToday), businessDay: day };
  }
}
