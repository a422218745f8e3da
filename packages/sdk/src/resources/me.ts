import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { Me as MeResponse } from '../types';

/** The caller (`GET /v1/me`). */
export class Me extends APIResource {
  /** Profile, tier, balance and today's usage against the tier's limits. */
  retrieve(options?: RequestOptions): Promise<MeResponse> {
    return this.transport.request({ method: 'GET', path: '/v1/me', options });
  }
}
