/**
 * Merchant operations through the SDK against a real server: webhook endpoints and deliveries
 * (verified with constructEvent), batches with progress, settlements with statements, refunds and
 * campaign statistics.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constructEvent, Hongbao, type Batch, type MerchantCredentials } from '@hongbao/sdk';
import { FakeClock, startServer, type LiveServer } from './helpers';

const at = (time: string, day = '2025-03-10') => Date.parse(`${day}T${time}+08:00`);

let server: LiveServer;
let clock: FakeClock;
beforeEach(async () => {
  // A shared fake clock in the past, so the test can move to the next day and settle this one.
  clock = new FakeClock(at('10:00:00'));
  server = await startServer(clock);
});
afterEach(async () => {
  server.t.checkInvariants();
  await server.close();
});

async function providerClient(): Promise<{ merchant: Hongbao; credentials: MerchantCredentials }> {
  const credentials = await server.client(undefined, { clock }).dev.merchants.create({ tier: 'provider', name: '新春活动', feeRate: 0.005 });
  const merchant = server.client({ appId: credentials.appId, secret: credentials.secret }, { clock });
  await merchant.wallet.topup({ amount: 1_000_000 });
  return { merchant, credentials };
}

describe('webhooks through the SDK', () => {
  it('registers an endpoint, receives signed events and redelivers from the log', async () => {
    const bodies: Array<{ raw: string; headers: Record<string, string | string[] | undefined> }> = [];
    const receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        bodies.push({ raw, headers: req.headers });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { merchant } = await providerClient();
      const { endpoint, secret } = await merchant.webhookEndpoints.create({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, events: ['packet.created'] });
      expect((await merchant.webhookEndpoints.list()).data).toEqual([endpoint]);
      const packet = await merchant.packets.create({ mode: 'fixed', total: 300, count: 3 });
      await server.t.app.hongbao.services.webhookDispatcher.runOnce();
      const event = constructEvent(bodies[0].raw, bodies[0].headers, secret, { now: clock.now() });
      expect(event).toMatchObject({ type: 'packet.created', data: { packetId: packet.id, amount: 300 } });

      const [delivery] = (await merchant.webhookDeliveries.list({ status: 'succeeded' })).data;
      expect(delivery).toMatchObject({ eventId: event.id, status: 'succeeded', attempts: 1 });
      expect(await merchant.webhookDeliveries.redeliver(delivery.id)).toMatchObject({ status: 'pending' });
      await server.t.app.hongbao.services.webhookDispatcher.runOnce();
      expect(constructEvent(bodies[1].raw, bodies[1].headers, secret, { now: clock.now() }).id).toBe(event.id);
      expect(await merchant.webhookEndpoints.del(endpoint.id)).toMatchObject({ status: 'deleted' });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('batches through the SDK', () => {
  it('creates a batch from CSV and polls it to completion, reporting progress', async () => {
    const { merchant } = await providerClient();
    const csv = ['mode,total,count,scene', ...Array.from({ length: 500 }, () => 'random,200,2,new-year')].join('\n');
    const seen: Batch[] = [];
    const batch = await merchant.batches.createAndPoll({ type: 'packets', csv }, { intervalMs: 20, onProgress: (b) => seen.push(b) });
    expect(batch).toMatchObject({ status: 'completed', total: 500, succeeded: 500, failed: 0 });
    expect(seen.at(-1)).toEqual(batch);
    expect(clock.sleeps.every((ms) => ms === 20)).toBe(true);
    const items = await merchant.batches.items(batch.id, { limit: 2 });
    expect(items.data.map((item) => item.seq)).toEqual([0, 1]);
    expect(await merchant.batches.retrieve(batch.id)).toEqual(batch);

    const stats = await merchant.stats.campaign({ batchId: batch.id });
    expect(stats).toMatchObject({ issuedPackets: 500, issuedShares: 1_000, issuedAmount: 100_000, claimedShares: 0, conversion: 0 });
  });
});

describe('settlements through the SDK', () => {
  it('refunds a payment before settlement, then lists the settlement and its statement', async () => {
    const { merchant, credentials } = await providerClient();
    const code = await merchant.codes.createCollect({ title: '收银台' });
    const payer = await server.user('payer', { clock });
    await payer.wallet.topup({ amount: 50_000 });
    const kept = await payer.payments.create({ token: code.token, amount: 10_000 });
    const returned = await payer.payments.create({ token: code.token, amount: 2_000 });
    expect(await merchant.payments.refund(returned.id)).toMatchObject({ paymentId: returned.id, amount: 2_000 });

    await clock.sleep(at('01:00:00', '2025-03-11') - clock.now());
    server.t.app.hongbao.services.settlements.settleDay('2025-03-10');
    const { data } = await merchant.settlements.list({ day: '2025-03-10' });
    expect(data).toEqual([expect.objectContaining({ merchantId: credentials.accountId, gross: 12_000, refunds: 2_000, fees: kept.fee, net: 10_000 - kept.fee })]);
    const statement = await merchant.settlements.statement(data[0].id);
    expect(statement.split('\r\n')[0]).toBe('payment_id,created_at,payer_id,code_id,amount,fee,refunded,net');
    expect(statement).toContain(`TOTAL,,,,12000,${kept.fee},2000,${10_000 - kept.fee}`);
    expect(await merchant.settlements.retrieve(data[0].id)).toEqual(data[0]);
    expect((await merchant.wallet.retrieve()).balance).toBe(1_000_000 + 10_000 - kept.fee);
  });
});
