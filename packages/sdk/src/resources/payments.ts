import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import { withToken } from '../internal/scanned';
import type { CreatePaymentParams, Payment, PaymentRefund } from '../types';

/** Paying into a collect code 收款码 (`POST /v1/payments`). */
export class Payments extends APIResource {
  /**
   * Sends the code's owner a red packet of `amount` fen (or the code's fixed amount).
   *
   * @example
   * const payment = await client.payments.create({ url: scannedText, amount: 20000, message: '新婚快乐' });
   */
  async create(params: CreatePaymentParams, options?: RequestOptions): Promise<Payment> {
    return (await this.transport.request<{ payment: Payment }>({ method: 'POST', path: '/v1/payments', body: withToken(params), options })).payment;
  }

  /**
   * Gives a payment into one of the caller's codes back to its payer, whole, before its day is
   * settled (merchants; no fee is charged on it). A settled payment cannot be refunded.
   */
  async refund(id: string, options?: RequestOptions): Promise<PaymentRefund> {
    return (await this.transport.request<{ refund: PaymentRefund }>({ method: 'POST', path: `/v1/payments/${APIResource.id(id)}/refund`, options })).refund;
  }
}
