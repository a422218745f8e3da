import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { Page, Settlement, SettlementListParams } from '../types';

/** D+1 settlements and their statements (`/v1/settlements`; enterprise and provider merchants). */
export class Settlements extends APIResource {
  /** The caller's settlements, newest business day first. */
  list(params: SettlementListParams = {}, options?: RequestOptions): Promise<Page<Settlement>> {
    return this.transport.request({ method: 'GET', path: '/v1/settlements', query: { ...params }, options });
  }

  async retrieve(id: string, options?: RequestOptions): Promise<Settlement> {
    return (await this.transport.request<{ settlement: Settlement }>({ method: 'GET', path: `/v1/settlements/${APIResource.id(id)}`, options })).settlement;
  }

  /**
   * The settlement's CSV statement as text: a header row, one line per payment of the day
   * (`payment_id,created_at,payer_id,code_id,amount,fee,refunded,net`, fen), then a `TOTAL` line.
   */
  statement(id: string, options?: RequestOptions): Promise<string> {
    return this.transport.request({ method: 'GET', path: `/v1/settlements/${APIResource.id(id)}/statement.csv`, options });
  }
}
