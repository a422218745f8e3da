import http from 'node:http';
import { ManualClock } from '../src/clock';
import { createTestApp, type TestApp } from '../src/testing/harness';

let t: TestApp;
let base: string;
beforeEach(async () => {
  t = await createTestApp();
  base = await t.listen();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await t.checkInvariants();
  await t.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function setup() {
  const alice = await t.login('alice');
  await t.topup(alice.token, 10_000);
  const created = await t.app.inject({ method: 'POST', url: '/v1/packets', headers: auth(alice.token), payload: { mode: 'random', total: 1_000, count: 3 } });
  expect(created.statusCode).toBe(201);
  return { alice, packet: created.json().packet };
}

/**
 * Watches the change bus: resolves with each wait's signal as soon as a long-poll starts waiting,
 * so tests act on a request that is really parked rather than sleeping and hoping.
 */
function watchWaits() {
  const bus = t.app.hongbao.ctx.bus;
  const original = bus.waitForChange.bind(bus);
  const signals: Array<AbortSignal | undefined> = [];
  let notify: () => void = () => {};
  const spy = jest.spyOn(bus, 'waitForChange').mockImplementation((key, ms, signal) => {
    signals.push(signal);
    const waiting = original(key, ms, signal);
    notify();
    return waiting;
  });
  const started = () => (signals.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (notify = resolve)));
  return { spy, signals, started };
}

const poll = (token: string, id: string, query: string, signal?: AbortSignal) =>
  fetch(`${base}/v1/packets/${id}?${query}`, { headers: auth(token), signal });

describe('packet long-poll', () => {
  it('answers a parked poll as soon as someone claims', async () => {
    const { alice, packet } = await setup();
    const waits = watchWaits();
    const parked = poll(alice.token, packet.id, `wait=5&version=${packet.version}`);
    await waits.started();

    const bob = await t.login('bob');
    const claimed = await t.app.inject({ method: 'POST', url: '/v1/claims', headers: auth(bob.token), payload: { packetId: packet.id } });
    expect(claimed.statusCode).toBe(201);

    const res = await parked;
    expect(res.status).toBe(200);
    expect((await res.json()).packet).toMatchObject({ version: packet.version + 1, claimedCount: 1, claimedAmount: claimed.json().claim.amount });
  });

  it('answers with the packet unchanged when nothing happens before the timeout', async () => {
    const { alice, packet } = await setup();
    const waits = watchWaits();
    const res = await poll(alice.token, packet.id, `wait=1&version=${packet.version}`);
    expect(res.status).toBe(200);
    expect((await res.json()).packet).toMatchObject({ version: packet.version, claimedCount: 0, status: 'active' });
    expect(waits.spy).toHaveBeenCalledTimes(1);
  });

  it('answers at once when the client has not seen the current version', async () => {
    const { alice, packet } = await setup();
    const waits = watchWaits();
    const res = await poll(alice.token, packet.id, `wait=30&version=${packet.version - 1}`);
    expect((await res.json()).packet.version).toBe(packet.version);
    const plain = await poll(alice.token, packet.id, 'wait=30');
    expect(plain.status).toBe(200);
    expect(waits.spy).not.toHaveBeenCalled();
  });

  it('wakes the sender when the sweeper refunds the packet', async () => {
    const { alice, packet } = await setup();
    const waits = watchWaits();
    const parked = poll(alice.token, packet.id, `wait=5&version=${packet.version}`);
    await waits.started();
    (t.clock as ManualClock).advance(86_400_000);
    await t.app.hongbao.services.sweeper.sweep();
    const body = await (await parked).json();
    expect(body.packet).toMatchObject({ status: 'refunded', refundedAmount: 1_000 });
  });

  it('waits no longer than until the claim window closes', async () => {
    const alice = await t.login('alice');
    await t.topup(alice.token, 1_000);
    const { packet } = (await t.app.inject({ method: 'POST', url: '/v1/packets', headers: auth(alice.token), payload: { mode: 'fixed', total: 100, count: 1, expiresIn: 60 } })).json();
    (t.clock as ManualClock).advance(59_000);
    const waits = watchWaits();
    const res = await poll(alice.token, packet.id, `wait=30&version=${packet.version}`);
    expect(res.status).toBe(200);
    expect(waits.spy).toHaveBeenCalledWith(`packet:${packet.id}`, 1_000, expect.anything());
  });

  it('stops waiting when the client disconnects', async () => {
    const { alice, packet } = await setup();
    const waits = watchWaits();
    // A bare socket that is simply dropped: what a phone losing its connection looks like.
    const request = http.get(`${base}/v1/packets/${packet.id}?wait=30&version=${packet.version}`, { headers: auth(alice.token), agent: false });
    request.on('error', () => {});
    await waits.started();
    request.destroy();
    const serverSide = waits.signals[0]!;
    if (!serverSide.aborted) await new Promise((resolve) => serverSide.addEventListener('abort', resolve, { once: true }));
    expect(serverSide.aborted).toBe(true);
  });

  it('answers FORBIDDEN to a stranger without waiting', async () => {
    const { packet } = await setup();
    const waits = watchWaits();
    const stranger = await t.login('stranger');
    const res = await poll(stranger.token, packet.id, `wait=30&version=${packet.version}`);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('FORBIDDEN');
    expect(waits.spy).not.toHaveBeenCalled();
  });

  it('rejects a wait longer than 30 seconds', async () => {
    const { alice, packet } = await setup();
    const res = await poll(alice.token, packet.id, 'wait=31&version=1');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'wait' });
  });
});
