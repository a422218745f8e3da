import type { CampaignStats, CampaignStatsPoint, CampaignStatsQuery } from '@hongbao/protocol';
import { fail } from '../errors';
import type { Actor, ServiceContext } from './context';
import { requireTier } from './merchant-access';
import { dayRange } from './settlements';

const ratio = (claimed: number, issued: number): number => (issued === 0 ? 0 : Math.round((claimed / issued) * 10_000) / 10_000);

/**
 * Campaign statistics (SPEC section 8): what a merchant issued and what was claimed of it, over
 * all its packets or one batch's, in periods of Asia/Shanghai days or hours. Conversion is shares
 * claimed over shares issued, cumulative in the series so it reads as a curve.
 */
export class StatsService {
  constructor(private readonly ctx: ServiceContext) {}

  async campaign(actor: Actor, query: CampaignStatsQuery): Promise<CampaignStats> {
    requireTier(actor, ['enterprise', 'provider'], 'Campaign statistics');
    const merchantId = actor.account.id;
    const batchId = query.batchId ?? null;
    if (batchId !== null) {
      const batch = await this.ctx.stores.batches.byId(batchId);
      if (!batch || batch.account_id !== merchantId) fail('NOT_FOUND', `No batch ${batchId}.`);
    }
    const from = query.from ? dayRange(query.from).from : 0;
    const to = query.to ? dayRange(query.to).to : Number.MAX_SAFE_INTEGER;
    if (from >= to) fail('VALIDATION_FAILED', 'from must not be after to.', { field: 'from' });
    const scope = { merchantId, batchId, from, to, granularity: query.granularity ?? 'day' };
    const { stats } = this.ctx.stores;
    const issued = new Map((await stats.issued(scope)).map((bucket) => [bucket.period, bucket]));
    const claimed = new Map((await stats.claimed(scope)).map((bucket) => [bucket.period, bucket]));
    const periods = [...new Set([...issued.keys(), ...claimed.keys()])].sort();

    const running = { issuedPackets: 0, issuedShares: 0, issuedAmount: 0, claimedShares: 0, claimedAmount: 0 };
    const series: CampaignStatsPoint[] = periods.map((period) => {
      const point = {
        period,
        issuedPackets: issued.get(period)?.packets ?? 0,
        issuedShares: issued.get(period)?.shares ?? 0,
        issuedAmount: issued.get(period)?.amount ?? 0,
        claimedShares: claimed.get(period)?.shares ?? 0,
        claimedAmount: claimed.get(period)?.amount ?? 0,
      };
      running.issuedPackets += point.issuedPackets;
      running.issuedShares += point.issuedShares;
      running.issuedAmount += point.issuedAmount;
      running.claimedShares += point.claimedShares;
      running.claimedAmount += point.claimedAmount;
      return { ...point, conversion: ratio(running.claimedShares, running.issuedShares) };
    });
    return {
      merchantId,
      batchId,
      ...running,
      refundedAmount: await stats.refunded(scope),
      conversion: ratio(running.claimedShares, running.issuedShares),
      series,
    };
  }
}
