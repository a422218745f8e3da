import { APIResource } from '../core/resource';
import type { RequestOptions, Transport } from '../core/transport';
import type { CreateDevMerchantParams, MerchantCredentials } from '../types';

/** Merchants with app credentials, created on a development-mode server (`POST /v1/dev/merchants`). */
export class DevMerchants extends APIResource {
  /**
   * Creates an enterprise or provider merchant and returns its app credentials. Production
   * servers have no such route (`hongbao-server merchant create` does it there).
   *
   * @example
   * const credentials = await client.dev.merchants.create({ tier: 'enterprise', name: '喜糖铺' });
   * const merchant = new Hongbao({ baseURL, auth: { appId: credentials.appId, secret: credentials.secret } });
   */
  create(params: CreateDevMerchantParams, options?: RequestOptions): Promise<MerchantCredentials> {
    return this.transport.request({ method: 'POST', path: '/v1/dev/merchants', body: params, options });
  }
}

/** Development-mode helpers. */
export class Dev {
  readonly merchants: DevMerchants;
  constructor(transport: Transport) {
    this.merchants = new DevMerchants(transport);
  }
}
