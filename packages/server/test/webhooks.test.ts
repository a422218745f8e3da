import { constructEvent } from '@hongbao/sdk';
import type { MerchantCredentials } from '@hongbao/protocol';
import { retryDelayMs } from '../src/services/webhook-dispatcher';
import { WEBHOOK_RETRY_WINDOW_MS } from '../src/services/webhooks';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call, clockOf, createCollectCode, pay } from './helpers/codes';
import { restart, startReceiver } from './helpers/merchant-ops';

let t: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let closed = false;
beforeEach(async () => {
  t = await createTestApp();
  closed = false;
});
afterEach(async () => {
  if (!closed) {
    await t.checkInvariants();
    await t.close();
  }
  await receiver?.close();
});

const dispatcher = () => t.app.hongbao.services.webhookDispatcher;

async function provider(name = '新年活动服务商'): Promise<MerchantCredentials> {
  const merchant = await t.merchant({ tier: 'provider', name });
  await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: 1_000_000 });
  return merchant;
}

async function endpoint(merchant: MerchantCredentials, body: Record<string, unknown> = {}) {
  const answer = await call(t, merchant, 'POST', '/v1/webhook-endpoints', { url: receiver.url, ...body });
  expect(answer.status).toBe(201);
  return answer.body as { endpoint: { id: string }; secret: string };
}

const sendPacket = async (merchant: MerchantCredentials, count = 1) =>
  (await call(t, merchant, 'POST', '/v1/packets', { mode: 'random', total: 100 * count, count, scene: 'new-year' })).body.packet;

const verified = (secret: string) => receiver.received.map((request) => constructEvent(request.rawBody, request.headers, secret, { now: t.clock.now() }));

const deliveryRows = () => t.database.all<any>('SELECT * FROM webhook_deliveries ORDER BY seq');

describe('webhook endpoints', () => {
  it('shows the signing secret once, lists endpoints without it, and deletes them', async () => {
    receiver = await startReceiver();
    const merchant = await provider();
    const created = await endpoint(merchant, { events: ['packet.claimed'], description: 'ERP' });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.endpoint).toMatchObject({ url: receiver.url, events: ['packet.claimed'], description: 'ERP', status: 'enabled' });
    const list = await call(t, merchant, 'GET', '/v1/webhook-endpoints');
    expect(list.body.data).toEqual([created.endpoint]);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    const deleted = await call(t, merchant, 'DELETE', `/v1/webhook-endpoints/${created.endpoint.id}`);
    expect(deleted.body.endpoint.status).toBe('deleted');
    expect((await call(t, merchant, 'GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  it('lets enterprise merchants register endpoints but refuses users and bad URLs', async () => {
    receiver = await startReceiver();
    const enterprise = await t.merchant({ tier: 'enterprise', name: '企业' });
    expect((await call(t, enterprise, 'POST', '/v1/webhook-endpoints', { url: receiver.url })).status).toBe(201);
    const user = await t.login('alice');
    const refused = await call(t, user.token, 'POST', '/v1/webhook-endpoints', { url: receiver.url });
    expect(refused.body.error.code).toBe('TIER_API_FORBIDDEN');
    const bad = await call(t, enterprise, 'POST', '/v1/webhook-endpoints', { url: 'ftp://example.com/x' });
    expect(bad.status).toBe(400);
    const badEvent = await call(t, enterprise, 'POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['packet.exploded'] });
    expect(badEvent.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('webhook delivery', () => {
  it('delivers signed events that the SDK’s constructEvent verifies', async () => {
    receiver = await startReceiver();
    const merchant = await provider();
    const { secret } = await endpoint(merchant);
    const packet = await sendPacket(merchant);
    const user = await t.login('bob');
    expect((await call(t, user.token, 'POST', '/v1/claims', { packetId: packet.id })).status).toBe(201);

    const result = await dispatcher().runOnce();
    expect(result).toMatchObject({ attempted: 3, succeeded: 3 });
    const events = verified(secret);
    expect(events.map((event) => event.type)).toEqual(['packet.created', 'packet.claimed', 'packet.finished']);
    for (const event of events) {
      expect(event).toEqual({ id: expect.stringMatching(/^evt_/), type: expect.any(String), createdAt: expect.any(String), data: expect.objectContaining({ packetId: packet.id }) });
    }
    expect(events[0].data).toMatchObject({ amount: 100, count: 1, scene: 'new-year', expiresAt: packet.expiresAt });
    expect(events[1].data).toMatchObject({ amount: 100, claimId: expect.stringMatching(/^cl_/) });
    expect(receiver.received[0].headers['content-type']).toBe('application/json');
    expect(() => constructEvent(receiver.received[0].rawBody, receiver.received[0].headers, 'whsec_wrong', { now: t.clock.now() })).toThrow(/No signature matches/);

    const log = await call(t, merchant, 'GET', '/v1/webhook-deliveries');
    expect(log.body.data).toHaveLength(3);
    expect(log.body.data[0]).toMatchObject({ eventType: 'packet.finished', status: 'succeeded', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
  });

  it('sends each merchant only the events that concern it, filtered by its endpoint', async () => {
    receiver = await startReceiver();
    const merchant = await provider('甲');
    const other = await provider('乙');
    const { secret } = await endpoint(merchant, { events: ['payment.received'] });
    await endpoint(other, { events: ['payment.received'] });
    await sendPacket(merchant);
    const payer = await t.login('payer');
    await t.topup(payer.token, 10_000);
    const code = await createCollectCode(t, merchant);
    expect((await pay(t, payer.token, code.token, { amount: 888 })).status).toBe(201);

    await dispatcher().runOnce();
    const events = verified(secret);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'payment.received', data: { amount: 888, fee: 3, status: 'pending_settlement', codeId: code.id } });
  });

  it('writes nothing to the outbox for a change that was refused', async () => {
    receiver = await startReceiver();
    const merchant = await t.merchant({ tier: 'provider', name: '没钱' });
    await endpoint(merchant);
    const refused = await call(t, merchant, 'POST', '/v1/packets', { mode: 'random', total: 100, count: 1 });
    expect(refused.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect(await deliveryRows()).toHaveLength(0);
  });

  it('retries a receiver that fails three times with growing back-off, then succeeds', async () => {
    receiver = await startReceiver((n) => (n < 3 ? 503 : 200));
    const merchant = await provider();
    const { secret } = await endpoint(merchant);
    await sendPacket(merchant);
    const clock = clockOf(t);

    expect(await dispatcher().runOnce()).toMatchObject({ attempted: 1, retrying: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [row] = await deliveryRows();
      expect(row).toMatchObject({ status: attempt < 4 ? 'pending' : 'succeeded', attempts: attempt, last_status_code: 503 });
      expect(row.next_attempt_at).toBe(clock.now() + retryDelayMs(attempt));
      // Not due yet: nothing is sent.
      clock.advance(retryDelayMs(attempt) - 1);
      expect((await dispatcher().runOnce()).attempted).toBe(0);
      clock.advance(1);
      await dispatcher().runOnce();
    }
    const [row] = await deliveryRows();
    expect(row).toMatchObject({ status: 'succeeded', attempts: 4, last_status_code: 200, last_error: null });
    expect(receiver.received).toHaveLength(4);
    // Every attempt carries the same event, each freshly signed.
    expect(new Set(verified(secret).map((event) => event.id)).size).toBe(1);
  });

  it('dead-letters a delivery after a day of failures, and redelivers it by hand', async () => {
    let healthy = false;
    receiver = await startReceiver(() => (healthy ? 200 : 500));
    const merchant = await provider();
    await endpoint(merchant);
    await sendPacket(merchant);
    const clock = clockOf(t);
    const start = clock.now();

    let row = (await deliveryRows())[0];
    while (row.status !== 'dead') {
      clock.set(Math.max(clock.now(), row.next_attempt_at));
      await dispatcher().runOnce();
      row = (await deliveryRows())[0];
    }
    expect(clock.now() - start).toBeLessThanOrEqual(WEBHOOK_RETRY_WINDOW_MS);
    expect(clock.now() + retryDelayMs(row.attempts) - start).toBeGreaterThan(WEBHOOK_RETRY_WINDOW_MS);
    expect(row.attempts).toBeGreaterThan(20);
    expect(receiver.received).toHaveLength(row.attempts);
    clock.advance(7 * 86_400_000);
    expect((await dispatcher().runOnce()).attempted).toBe(0);

    const dead = await call(t, merchant, 'GET', '/v1/webhook-deliveries?status=dead');
    expect(dead.body.data).toHaveLength(1);
    healthy = true;
    const redelivered = await call(t, merchant, 'POST', `/v1/webhook-deliveries/${row.id}/redeliver`, {});
    expect(redelivered.status).toBe(200);
    expect(redelivered.body.delivery).toMatchObject({ status: 'pending', nextAttemptAt: new Date(clock.now()).toISOString() });
    expect(await dispatcher().runOnce()).toMatchObject({ attempted: 1, succeeded: 1 });
    expect((await deliveryRows())[0]).toMatchObject({ status: 'succeeded', attempts: row.attempts + 1 });
  });

  it('lets the receiver apply each event once by its id when a delivery is repeated', async () => {
    const applied = new Map<string, number>();
    // The receiver applies the event, then its answer is lost (a 500) the first time.
    receiver = await startReceiver((n, request) => {
      const event = JSON.parse(request.rawBody) as { id: string; data: { amount: number } };
      if (!applied.has(event.id)) applied.set(event.id, event.data.amount);
      return n === 0 ? 500 : 200;
    });
    const merchant = await provider();
    await endpoint(merchant, { events: ['packet.created'] });
    await sendPacket(merchant);
    await dispatcher().runOnce();
    clockOf(t).advance(retryDelayMs(1));
    await dispatcher().runOnce();
    // A manual redelivery on top: the same event id again.
    const [row] = await deliveryRows();
    await call(t, merchant, 'POST', `/v1/webhook-deliveries/${row.id}/redeliver`, {});
    await dispatcher().runOnce();
    expect(receiver.received).toHaveLength(3);
    expect([...applied.values()]).toEqual([100]);
  });

  it('loses nothing when the server restarts mid-delivery', async () => {
    receiver = await startReceiver();
    const merchant = await provider();
    const { secret } = await endpoint(merchant);
    await sendPacket(merchant);
    await sendPacket(merchant);
    const clock = clockOf(t);
    // A worker takes the first delivery and dies before sending it.
    const taken = await t.database.tx(async () => t.app.hongbao.ctx.stores.webhooks.claimDue(clock.now(), clock.now() + 60_000, 1));
    expect(taken).toHaveLength(1);
    await t.database.flush();

    const reopened = await restart(t, clock);
    closed = true;
    try {
      const next = reopened.services.webhookDispatcher;
      // The untouched event goes at once; the leased one waits for its lease to run out.
      expect(await next.runOnce()).toMatchObject({ attempted: 1, succeeded: 1 });
      clock.advance(60_000);
      expect(await next.runOnce()).toMatchObject({ attempted: 1, succeeded: 1 });
      const events = receiver.received.map((request) => constructEvent(request.rawBody, request.headers, secret, { now: clock.now() }));
      expect(events.map((event) => event.type).sort()).toEqual(['packet.created', 'packet.created']);
      expect(new Set(events.map((event) => event.id)).size).toBe(2);
      const rows = await reopened.database.all('SELECT status, attempts FROM webhook_deliveries ORDER BY seq');
      expect(rows).toEqual([{ status: 'succeeded', attempts: 2 }, { status: 'succeeded', attempts: 1 }]);
      await reopened.checkInvariants();
    } finally {
      await reopened.close();
    }
  });

  it('records a receiver that does not answer in time as a failed attempt', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    receiver = await startReceiver();
    const merchant = await provider();
    const port = (silent.address() as { port: number }).port;
    await call(t, merchant, 'POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/slow` });
    await sendPacket(merchant);
    const { WebhookDispatcher } = await import('../src/services/webhook-dispatcher');
    const impatient = new WebhookDispatcher(t.app.hongbao.ctx, { timeoutMs: 200 });
    expect(await impatient.runOnce()).toMatchObject({ attempted: 1, retrying: 1 });
    expect((await deliveryRows())[0]).toMatchObject({ status: 'pending', last_error: 'No answer within 200 ms.', last_status_code: null });
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('delivers as soon as a change commits once the worker is started', async () => {
    receiver = await startReceiver();
    const merchant = await provider();
    await endpoint(merchant);
    dispatcher().start(60_000);
    try {
      await sendPacket(merchant);
      for (let i = 0; i < 100 && receiver.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await dispatcher().stop();
    }
  });
});
