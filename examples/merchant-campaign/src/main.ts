/**
 * A provider runs a New-Year campaign: packets from a CSV issued as one batch with a progress bar,
 * fans claiming them, a counter collect code taking payments, every claim and payment told to the
 * ERP by signed webhooks, the campaign's statistics, and the next day's settlement statement.
 */
import { formatFen, Hongbao, type Batch, type CampaignStats, type MerchantCredentials, type Settlement } from '@hongbao/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startErp, type ErpLedger } from './erp';

export interface CampaignOptions {
  log?: (text: string) => void;
  /** Where the progress bar is drawn. @default process.stdout.write */
  progress?: (text: string) => void;
  /** App credentials of a provider; by default one is created on the development server. */
  credentials?: Pick<MerchantCredentials, 'appId' | 'secret'>;
  /** How many fans claim. @default 12 */
  fans?: number;
  /**
   * Runs the D+1 settlement of `day`. On a real server that is the operator's 00:30 run (or
   * `hongbao-server settle --date <day>` the next day); a demo passes a function that does it.
   * Without one, the example prints how to fetch the statement tomorrow.
   */
  settle?: (day: string) => Promise<void>;
  /** Longest wait for the webhooks to reach the ERP, ms. @default 20000 */
  webhookTimeoutMs?: number;
}

export interface CampaignResult {
  batch: Batch;
  stats: CampaignStats;
  erp: ErpLedger;
  settlement: Settlement | null;
  statement: string | null;
}

const bar = (done: number, total: number) => `[${'#'.repeat(Math.round((20 * done) / total)).padEnd(20, '-')}] ${done}/${total}`;

export async function main(baseURL: string, options: CampaignOptions = {}): Promise<CampaignResult> {
  const { log = console.log, progress = (text: string) => process.stdout.write(text), fans = 12, webhookTimeoutMs = 20_000 } = options;
  const app = options.credentials ?? (await new Hongbao({ baseURL }).dev.merchants.create({ tier: 'provider', name: '新春活动服务商', feeRate: 0.005 }));
  const merchant = new Hongbao({ baseURL, auth: { appId: app.appId, secret: app.secret } });
  await merchant.wallet.topup({ amount: 100_000 });

  // 1. The ERP's webhook endpoint. The secret is shown once: keep it with the ERP.
  let secret = '';
  const erp = await startErp(() => secret);
  try {
    const created = await merchant.webhookEndpoints.create({ url: erp.url, events: ['packet.claimed', 'payment.received', 'settlement.completed'], description: 'ERP' });
    secret = created.secret;

    // 2. The campaign: one batch from the CSV, with a progress bar.
    const csv = readFileSync(join(__dirname, '..', 'campaign.csv'), 'utf8');
    const batch = await merchant.batches.createAndPoll({ type: 'packets', csv }, { intervalMs: 200, onProgress: (b) => progress(`\r${bar(b.succeeded + b.failed, b.total)}`) });
    progress('\n');
    log(`Batch ${batch.id}: ${batch.succeeded} packets issued, ${batch.failed} failed`);
    const packetIds = (await merchant.batches.items(batch.id, { limit: 100 })).data.map((item) => item.resultId!).filter(Boolean);

    // 3. Fans open the share cards; a customer pays at the counter.
    for (let i = 0; i < fans; i++) {
      const session = await new Hongbao({ baseURL }).sessions.create({ provider: 'dev', openid: `fan-${app.appId}-${i}`, deviceId: `fan-device-${i}` });
      const fan = new Hongbao({ baseURL, auth: session.token });
      await fan.claims.create({ packetId: packetIds[i % packetIds.length] });
    }
    const counter = await merchant.codes.createCollect({ title: '新春市集', scene: 'new-year' });
    const customerSession = await new Hongbao({ baseURL }).sessions.create({ provider: 'dev', openid: `customer-${app.appId}` });
    const customer = new Hongbao({ baseURL, auth: customerSession.token });
    await customer.wallet.topup({ amount: 10_000 });
    const payment = await customer.payments.create({ token: counter.token, amount: 2_888, message: '新年好' });

    // 4. The ERP hears of every claim and the payment.
    const deadline = Date.now() + webhookTimeoutMs;
    while ((erp.ledger.claims < fans || erp.ledger.receivedAtCounter < payment.amount) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    log(`ERP: ${erp.ledger.claims} claims (${formatFen([...erp.ledger.claimedByPacket.values()].reduce((a, b) => a + b, 0))}), ${formatFen(erp.ledger.receivedAtCounter)} at the counter`);

    const stats = await merchant.stats.campaign({ batchId: batch.id });
    log(`Campaign: ${stats.claimedShares}/${stats.issuedShares} shares claimed (${(stats.conversion * 100).toFixed(1)}%), ${formatFen(stats.claimedAmount)} of ${formatFen(stats.issuedAmount)}`);

    // 5. The next day's settlement statement.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(payment.createdAt));
    if (!options.settle) {
      log(`Tomorrow after 00:30 (Asia/Shanghai): merchant.settlements.list({ day: '${day}' }) and settlements.statement(id).`);
      return { batch, stats, erp: erp.ledger, settlement: null, statement: null };
    }
    await options.settle(day);
    const [settlement] = (await merchant.settlements.list({ day })).data;
    const statement = await merchant.settlements.statement(settlement.id);
    log(`Settlement of ${day}: gross ${formatFen(settlement.gross)}, fees ${formatFen(settlement.fees)}, refunds ${formatFen(settlement.refunds)}, net ${formatFen(settlement.net)}`);
    log(statement.trimEnd());
    return { batch, stats, erp: erp.ledger, settlement, statement };
  } finally {
    await erp.close();
  }
}
