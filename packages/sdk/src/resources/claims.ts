import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import { withToken } from '../internal/scanned';
import type { ClaimResult, CreateClaimParams } from '../types';

/** Claiming a share of a packet (`POST /v1/claims`). */
export class Claims extends APIResource {
  /**
   * Claims a share, from a scanned code (`url` or `token`) or a share card (`packetId`). A second
   * claim of the same packet fails with `ALREADY_CLAIMED` (its `error.claim` is the first one);
   * a packet with no shares left with `PACKET_EXHAUSTED`.
   *
   * @example
   * const { claim, packet } = await client.claims.create({ url: scannedText });
   * console.log(`${formatFen(claim.amount)} from ${packet.senderName}`);
   */
  async create(params: CreateClaimParams, options?: RequestOptions): Promise<ClaimResult> {
    return this.transport.request({ method: 'POST', path: '/v1/claims', body: withToken(params), options });
  }
}
