import { TIER_POLICIES } from '@hongbao/protocol';
import { businessDay } from '../clock';
import { fail } from '../errors';
import type { AccountRow } from '../store/accounts';
import type { ServiceContext } from './context';

/** The limit factor of the account's region (SPEC section 5, rule 7); 1 when none is configured. */
export function regionFactor(account: AccountRow, regionFactors: Readonly<Record<string, number>>): number {
  return account.region !== null && Object.hasOwn(regionFactors, account.region) ? regionFactors[account.region] : 1;
}

/**
 * An account's effective policy: its tier's defaults with the account's own contract values, the
 * single and daily limits scaled by its region's factor when `regionFactors` are given.
 */
export function policyFor(account: AccountRow, regionFactors: Readonly<Record<string, number>> = {}) {
  const tier = TIER_POLICIES[account.tier];
  const factor = regionFactor(account, regionFactors);
  return {
    tier,
    singleLimit: Math.floor((account.single_limit ?? tier.singleLimit) * factor),
    dailyLimit: Math.floor((account.daily_limit ?? tier.dailyLimit) * factor),
    feeRateBps: account.fee_rate_bps ?? tier.feeRateBps.default,
    codeTtlSeconds: account.code_ttl_seconds ?? tier.codeTtlSeconds,
  };
}

/** Tier limits on outgoing money (packets sent, payments made). */
export class LimitService {
  constructor(private readonly ctx: ServiceContext) {}

  // The single limit is checked by the risk pipeline (rules tier-limit and region-limit), which
  // records why; the daily reservation stays here because it must be atomic with the change.

  /**
   * Counts `amount` against today's outgoing limit, inside the caller's transaction; throws
   * LIMIT_DAILY_EXCEEDED (and counts nothing) when it would pass the limit.
   */
  async reserveDaily(account: AccountRow, amount: number): Promise<void> {
    const { dailyLimit } = policyFor(account, this.ctx.config.risk.regionFactors);
    const day = businessDay(this.ctx.clock.now());
    if (!(await this.ctx.stores.usage.add(account.id, day, amount, dailyLimit))) {
      const used = await this.ctx.stores.usage.used(account.id, day);
      fail('LIMIT_DAILY_EXCEEDED', `The amount ${amount} fen would pass the daily limit of ${dailyLimit} fen (${used} fen used today).`, {
        limit: dailyLimit,
        used,
      });
    }
  }

  async usage(account: AccountRow) {
    const { singleLimit, dailyLimit } = policyFor(account, this.ctx.config.risk.regionFactors);
    const day = businessDay(this.ctx.clock.now());
    const usedToday = await this.ctx.stores.usage.used(account.id, day);
    return { singleLimit, dailyLimit, usedToday, remainingToday: Math.max(0, dailyLimit - usedToday), businessDay: day };
  }
}
