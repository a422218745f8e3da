import { autoRefresh, type AutoRefreshOptions } from '../core/auto-refresh';
import { APIResource } from '../core/resource';
import type { Subscription } from '../core/stream';
import type { RequestOptions } from '../core/transport';
import { tokenFrom } from '../internal/scanned';
import type { Code, CreateCollectCodeParams, IssueClaimCodeParams, ResolvedCode } from '../types';

/** Dynamic codes 红包码 and 收款码: issuing, refreshing, revoking and resolving tokens. */
export class Codes extends APIResource {
  /**
   * Issues a claim code for one of the caller's packets; show `code.url` as a QR code.
   *
   * @example
   * const code = await client.codes.issue(packet.id);
   */
  async issue(packetId: string, params: IssueClaimCodeParams = {}, options?: RequestOptions): Promise<Code> {
    return (await this.transport.request<{ code: Code }>({ method: 'POST', path: `/v1/packets/${APIResource.id(packetId)}/codes`, body: params, options })).code;
  }

  /** Creates a collect code for the caller (optionally a fixed amount, a scene, a title, a geofence). */
  async createCollect(params: CreateCollectCodeParams = {}, options?: RequestOptions): Promise<Code> {
    return (await this.transport.request<{ code: Code }>({ method: 'POST', path: '/v1/collect-codes', body: params, options })).code;
  }

  /** A new token for the same code; the previous token stays valid until its `expiresAt`. */
  async refresh(codeId: string, options?: RequestOptions): Promise<Code> {
    return (await this.transport.request<{ code: Code }>({ method: 'POST', path: `/v1/codes/${APIResource.id(codeId)}/refresh`, options })).code;
  }

  /** Revokes a code: its tokens then fail with `CODE_REVOKED`. */
  async revoke(codeId: string, options?: RequestOptions): Promise<Code> {
    return (await this.transport.request<{ code: Code }>({ method: 'DELETE', path: `/v1/codes/${APIResource.id(codeId)}`, options })).code;
  }

  /** Unfreezes a code frozen by the same-amount circuit breaker (its owner or an admin). */
  async unfreeze(codeId: string, options?: RequestOptions): Promise<Code> {
    return (await this.transport.request<{ code: Code }>({ method: 'POST', path: `/v1/codes/${APIResource.id(codeId)}/unfreeze`, options })).code;
  }

  /** What a scanned token or `/c/<token>` URL is (a packet cover or a collect code's owner), without acting on it. */
  async resolve(tokenOrUrl: string, options?: RequestOptions): Promise<ResolvedCode> {
    return this.transport.request({ method: 'GET', path: '/v1/codes/resolve', query: { token: tokenFrom(tokenOrUrl) }, options });
  }

  /**
   * Keeps a code's token fresh while it is on screen: refreshes shortly before each `refreshAt`
   * and calls `onToken` with the new code; a failed refresh is reported to `onError` and retried
   * with back-off. Stop it with `stop()` or `signal`; `done` rejects if a final error
   * (`CODE_REVOKED`, `NOT_FOUND`, …) ended it.
   *
   * @example
   * const refresher = client.codes.autoRefresh(code.id, (fresh) => drawQr(fresh.url), { current: code });
   * // when the page hides:
   * refresher.stop();
   */
  autoRefresh(codeId: string, onToken: (code: Code) => void, options: AutoRefreshOptions<Code> = {}): Subscription {
    return autoRefresh((signal) => this.refresh(codeId, { signal }), onToken, this.transport.clock, options);
  }
}
