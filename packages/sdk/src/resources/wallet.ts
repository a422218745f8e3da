import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { LedgerEntry, Page, PageParams, TopupParams, Wallet as WalletBalance } from '../types';

/** The caller's wallet (`/v1/wallet`). */
export class Wallet extends APIResource {
  /** The balance. */
  async retrieve(options?: RequestOptions): Promise<WalletBalance> {
    return (await this.transport.request<{ wallet: WalletBalance }>({ method: 'GET', path: '/v1/wallet', options })).wallet;
  }

  /** Ledger lines, newest first, one page at a time. */
  entries(params: PageParams = {}, options?: RequestOptions): Promise<Page<LedgerEntry>> {
    return this.transport.request({ method: 'GET', path: '/v1/wallet/entries', query: { ...params }, options });
  }

  /** Sandbox top-up (development mode); returns the new balance. */
  async topup(params: TopupParams, options?: RequestOptions): Promise<WalletBalance> {
    return (await this.transport.request<{ wallet: WalletBalance }>({ method: 'POST', path: '/v1/wallet/topups', body: params, options })).wallet;
  }
}
