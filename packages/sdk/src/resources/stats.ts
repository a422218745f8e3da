import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { CampaignStats, CampaignStatsParams } from '../types';

/** Campaign statistics (`/v1/stats`; enterprise and provider merchants). */
export class Stats extends APIResource {
  /**
   * Issued, claimed, amount and conversion, in total and per day (or hour), for all the caller's
   * packets or one batch's.
   *
   * @example
   * const stats = await merchant.stats.campaign({ batchId: batch.id, granularity: 'hour' });
   * console.log(`${(stats.conversion * 100).toFixed(1)}% claimed`);
   */
  async campaign(params: CampaignStatsParams = {}, options?: RequestOptions): Promise<CampaignStats> {
    return (await this.transport.request<{ stats: CampaignStats }>({ method: 'GET', path: '/v1/stats/campaign', query: { ...params }, options })).stats;
  }
}
