import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { PublicKey } from '../types';

/** The published code-signing keys (`GET /v1/keys`). */
export class Keys extends APIResource {
  /** Ed25519 public keys that verify provider code tokens offline. */
  async list(options?: RequestOptions): Promise<PublicKey[]> {
    return (await this.transport.request<{ keys: PublicKey[] }>({ method: 'GET', path: '/v1/keys', options })).keys;
  }
}
