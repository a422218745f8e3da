import { APIResource } from '../core/resource';
import { streamNewItems, subscribe, type StreamOptions, type Subscription } from '../core/stream';
import type { RequestOptions } from '../core/transport';
import type { Code, LongPollParams, Payment, PaymentListParams, PaymentsPage } from '../types';

/** A collect code's owner side: the code and its incoming payments, also as a live stream. */
export class CollectCodes extends APIResource {
  /** The caller's collect code with a current token; with `wait` and `version`, a long-poll for the code's next change. */
  async retrieve(codeId: string, params: LongPollParams = {}, options?: RequestOptions): Promise<Code> {
    return (await this.transport.request<{ code: Code }>({ method: 'GET', path: `/v1/collect-codes/${APIResource.id(codeId)}`, query: { ...params }, options })).code;
  }

  /** Incoming payments, newest first, with the list's `version` (`wait` + `version` long-poll). */
  payments(codeId: string, params: PaymentListParams = {}, options?: RequestOptions): Promise<PaymentsPage> {
    return this.transport.request({ method: 'GET', path: `/v1/collect-codes/${APIResource.id(codeId)}/payments`, query: { ...params }, options });
  }

  /**
   * Every payment that arrives from now on, once each, oldest first, as an async iterator on the
   * server's long-poll. It ends when `signal` aborts, throws a final API error (`NOT_FOUND`,
   * `FORBIDDEN`), and rides out connection errors and 5xx.
   *
   * @example
   * for await (const payment of client.collectCodes.stream(code.id, { signal })) {
   *   speak(`收款到账 ${formatFen(payment.amount)}`);
   * }
   */
  stream(codeId: string, options: StreamOptions = {}): AsyncGenerator<Payment, void, undefined> {
    return streamNewItems((query, call) => this.payments(codeId, query, call), this.transport.clock, options);
  }

  /**
   * The same stream with a callback: `onPayment` runs for each new payment until `stop()` or
   * `signal`; `done` rejects with the error that ended it.
   *
   * @example
   * const subscription = client.collectCodes.onPayment(code.id, (payment) => announce(payment));
   * subscription.stop();
   */
  onPayment(codeId: string, onPayment: (payment: Payment) => void | Promise<void>, options: StreamOptions = {}): Subscription {
    return subscribe((signal) => this.stream(codeId, { ...options, signal }), onPayment, options.signal);
  }
}
