/**
 * Hongbao for an enterprise merchant: every request is signed with the app's secret
 * (HMAC-SHA256, done by the SDK), POSTs carry idempotency keys (your own order ids where you have
 * them), and incoming payments at the counter arrive as a live stream.
 */
import { formatFen, Hongbao, isAPIError, type Code, type MerchantCredentials, type Packet, type Payment } from '@hongbao/sdk';

export interface MerchantOptions {
  /** Where to print. @default console.log */
  log?: (text: string) => void;
  /** App credentials; by default a new enterprise merchant is created on the development server. */
  credentials?: Pick<MerchantCredentials, 'appId' | 'secret'>;
}

export interface MerchantResult {
  campaign: Packet;
  campaignCode: Code;
  counterCode: Code;
  /** The payment the counter received while the example listened. */
  payment: Payment;
}

export async function main(baseURL: string, { log = console.log, credentials }: MerchantOptions = {}): Promise<MerchantResult> {
  // 1. App credentials: from your operator in production; a development server hands them out.
  const app = credentials ?? (await new Hongbao({ baseURL }).dev.merchants.create({ tier: 'enterprise', name: '喜糖铺 Candy Shop' }));
  const merchant = new Hongbao({ baseURL, auth: { appId: app.appId, secret: app.secret } });

  const { user, usage } = await merchant.me.retrieve();
  log(`Signed in as ${user.name} (${user.tier}); single limit ${formatFen(usage.singleLimit)}, ${formatFen(usage.remainingToday)} left today`);
  await merchant.wallet.topup({ amount: 200_000 });

  // 2. A marketing campaign: ¥500 for 200 fans. The idempotency key is our own campaign id, so
  //    running this twice (a crash, a redeploy) never funds the campaign twice.
  const campaignId = `grand-opening-${app.appId}`;
  const campaign = await merchant.packets.create(
    { mode: 'random', total: 50_000, count: 200, scene: 'marketing', message: '开业大吉，见者有份' },
    { idempotencyKey: campaignId },
  );
  const campaignCode = await merchant.codes.issue(campaign.id);
  log(`Campaign ${campaign.id}: ${formatFen(campaign.total)} × ${campaign.count} shares, claim at ${campaignCode.url}`);

  // 3. Limits are business answers with a code, not crashes.
  try {
    await merchant.packets.create({ mode: 'fixed', total: 300_000, count: 3 });
  } catch (error) {
    if (!isAPIError(error) || error.code !== 'LIMIT_SINGLE_EXCEEDED') throw error;
    log(`A ${formatFen(300_000)} packet is refused: ${error.code} (${error.message})`);
  }

  // 4. A collect code 收款码 at the counter, for a fixed ¥18.80 box of candy.
  const counterCode = await merchant.codes.createCollect({ title: '喜糖铺收银台', fixedAmount: 1_880, scene: 'thanks' });
  log(`Counter code ${counterCode.id}: ${counterCode.url}`);

  // 5. Listen for payments at the counter while a customer scans and pays.
  const received = new Promise<Payment>((resolve, reject) => {
    const subscription = merchant.collectCodes.onPayment(counterCode.id, (payment) => {
      log(`收款到账 ${formatFen(payment.amount)} from ${payment.payerName} (fee ${formatFen(payment.fee)})`);
      subscription.stop();
      resolve(payment);
    });
    subscription.done.catch(reject);
  });
  const anonymous = new Hongbao({ baseURL });
  const session = await anonymous.sessions.create({ provider: 'dev', openid: `customer-${Date.now().toString(36)}`, name: '顾客' });
  const customer = anonymous.withOptions({ auth: session.token });
  await customer.wallet.topup({ amount: 5_000 });
  await customer.payments.create({ url: counterCode.url, message: '谢谢老板' });
  const payment = await received;

  // 6. The campaign list, newest first.
  const { data: sent } = await merchant.packets.list({ role: 'sent', limit: 10 });
  log(`Packets sent: ${sent.map((p) => `${p.id} ${p.status} ${p.claimedCount}/${p.count}`).join(', ')}`);

  return { campaign, campaignCode, counterCode, payment };
}
