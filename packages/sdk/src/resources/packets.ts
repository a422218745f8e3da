import { pollUntil, type PollOptions } from '../core/polling';
import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { ClaimsPage, CreatePacketParams, Fairness, LongPollParams, Packet, Page, PacketListParams, PageParams } from '../types';

/** Red packets 红包 (`/v1/packets`). */
export class Packets extends APIResource {
  /**
   * Creates and funds a packet from the caller's wallet; the shares are drawn now.
   *
   * @example
   * const packet = await client.packets.create({ mode: 'random', total: 888, count: 3, message: '恭喜发财' });
   */
  async create(params: CreatePacketParams, options?: RequestOptions): Promise<Packet> {
    return (await this.transport.request<{ packet: Packet }>({ method: 'POST', path: '/v1/packets', body: params, options })).packet;
  }

  /** A packet with its progress and `version`; with `wait` and `version`, a long-poll for the next change. */
  async retrieve(id: string, params: LongPollParams = {}, options?: RequestOptions): Promise<Packet> {
    return (await this.transport.request<{ packet: Packet }>({ method: 'GET', path: `/v1/packets/${APIResource.id(id)}`, query: { ...params }, options })).packet;
  }

  /** Packets the caller sent or claimed from, newest first. */
  list(params: PacketListParams, options?: RequestOptions): Promise<Page<Packet>> {
    return this.transport.request({ method: 'GET', path: '/v1/packets', query: { ...params }, options });
  }

  /** Claims of a packet (masked names, amounts, times) and its luckiest claimer once finished. */
  claims(id: string, params: PageParams = {}, options?: RequestOptions): Promise<ClaimsPage> {
    return this.transport.request({ method: 'GET', path: `/v1/packets/${APIResource.id(id)}/claims`, query: { ...params }, options });
  }

  /** The salt and shares behind the packet's commitment, once it is finished or expired; check them with `verifyFairness`. */
  async fairness(id: string, options?: RequestOptions): Promise<Fairness> {
    return (await this.transport.request<{ fairness: Fairness }>({ method: 'GET', path: `/v1/packets/${APIResource.id(id)}/fairness`, options })).fairness;
  }

  /**
   * Waits until `until(packet)` holds (by default: the packet is no longer `active`) and
   * resolves with that packet, using the server's long-poll and pausing `intervalMs` between
   * requests. A packet that ends `expired`, `refunded` or `frozen` is returned, not thrown: look
   * at its `status`. Rejects with `PollTimeoutError` at `timeoutMs` (its `lastValue` is the last
   * packet seen), with `APIUserAbortError` when `signal` aborts, and with the API error when the
   * packet cannot be read (`NOT_FOUND`, `FORBIDDEN`); connection errors and 5xx are retried
   * until the deadline.
   *
   * @example
   * const finished = await client.packets.poll(packet.id, { until: (p) => p.status === 'finished', timeoutMs: 60_000 });
   * console.log(finished.luckiest?.name);
   */
  poll(id: string, options: PollOptions<Packet> = {}): Promise<Packet> {
    const until = options.until ?? ((packet: Packet) => packet.status !== 'active');
    return pollUntil((query, call) => this.retrieve(id, query, call), this.transport.clock, { ...options, until });
  }
}
