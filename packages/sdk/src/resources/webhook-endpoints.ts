import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { CreatedWebhookEndpoint, CreateWebhookEndpointParams, Page, WebhookEndpoint } from '../types';

/** Webhook endpoints (`/v1/webhook-endpoints`; provider and enterprise merchants). */
export class WebhookEndpoints extends APIResource {
  /**
   * Registers an endpoint. The answer carries its signing secret, shown only this once.
   *
   * @example
   * const { endpoint, secret } = await merchant.webhookEndpoints.create({ url: 'https://erp.example.com/hongbao', events: ['packet.claimed'] });
   */
  create(params: CreateWebhookEndpointParams, options?: RequestOptions): Promise<CreatedWebhookEndpoint> {
    return this.transport.request({ method: 'POST', path: '/v1/webhook-endpoints', body: params, options });
  }

  /** The caller's enabled endpoints (without secrets). */
  list(options?: RequestOptions): Promise<Page<WebhookEndpoint>> {
    return this.transport.request({ method: 'GET', path: '/v1/webhook-endpoints', options });
  }

  /** Deletes an endpoint; deliveries still queued for it are not sent. */
  async del(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return (await this.transport.request<{ endpoint: WebhookEndpoint }>({ method: 'DELETE', path: `/v1/webhook-endpoints/${APIResource.id(id)}`, options })).endpoint;
  }
}
