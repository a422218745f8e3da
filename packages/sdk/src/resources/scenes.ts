import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { SceneInfo } from '../types';

/** Packet scenes (`GET /v1/scenes`): birthday, wedding, … with recommended amounts. */
export class Scenes extends APIResource {
  /** Every scene, its default message and recommended amounts clamped to the caller's tier. */
  async list(options?: RequestOptions): Promise<SceneInfo[]> {
    return (await this.transport.request<{ data: SceneInfo[] }>({ method: 'GET', path: '/v1/scenes', options })).data;
  }
}
