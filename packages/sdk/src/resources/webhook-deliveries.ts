import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { Page, WebhookDelivery, WebhookDeliveryListParams } from '../types';

/** The webhook delivery log (`/v1/webhook-deliveries`). */
export class WebhookDeliveries extends APIResource {
  /** Deliveries, newest first; filter by endpoint or status (`dead` lists the dead letters). */
  list(params: WebhookDeliveryListParams = {}, options?: RequestOptions): Promise<Page<WebhookDelivery>> {
    return this.transport.request({ method: 'GET', path: '/v1/webhook-deliveries', query: { ...params }, options });
  }

  /** Sends a delivery again now, with a fresh day of retries; the event keeps its id. */
  async redeliver(id: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return (await this.transport.request<{ delivery: WebhookDelivery }>({ method: 'POST', path: `/v1/webhook-deliveries/${APIResource.id(id)}/redeliver`, options })).delivery;
  }
}
