/**
 * `packets.poll`, `codes.autoRefresh` and the payment stream: deadlines, aborts and failures.
 */
import { APIConnectionError, APIUserAbortError, GoneError, isPollTimeoutError, NotFoundError, PollTimeoutError, type Code, type Hongbao } from '@hongbao/sdk';
import { connectionReset, FakeClock, faultyAdapter, respond, startServer, type LiveServer } from './helpers';

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.t.checkInvariants());
afterAll(() => server.close());
// No jitter, so back-off delays are exact.
beforeEach(() => jest.spyOn(Math, 'random').mockReturnValue(0));
afterEach(() => jest.restoreAllMocks());

let seq = 0;
async function sender(options = {}): Promise<{ token: string; client: Hongbao }> {
  const session = await server.client().sessions.create({ provider: 'dev', openid: `poll-${++seq}-${Date.now()}` });
  await server.client(session.token).wallet.topup({ amount: 10_000 });
  return { token: session.token, client: server.client(session.token, options) };
}

describe('packets.poll', () => {
  it('pauses between calls, long-polls with the last version, and rejects with PollTimeoutError at its deadline', async () => {
    const { token } = await sender();
    const packet = await server.client(token).packets.create({ mode: 'fixed', total: 200, count: 2 });
    const clock = new FakeClock();
    // The server would hold each long-poll for `wait` real seconds; answer at once with the unchanged packet instead.
    const { adapter, requests } = faultyAdapter(async (_n, config) => respond(config, 200, { packet }));
    const client = server.client(token, { adapter, clock });

    const error = await client.packets.poll(packet.id, { intervalMs: 1000, timeoutMs: 5000 }).catch((e) => e);
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(isPollTimeoutError(error)).toBe(true);
    expect(error.lastValue).toEqual(packet);
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(requests.map((r) => new URL(r.url, 'http://x').search)).toEqual([
      '',
      `?wait=4&version=${packet.version}`,
      `?wait=3&version=${packet.version}`,
      `?wait=2&version=${packet.version}`,
      `?wait=1&version=${packet.version}`,
    ]);
  });

  it('rides out a connection error and a 503, then resolves when the condition holds', async () => {
    const { token } = await sender();
    const packet = await server.client(token).packets.create({ mode: 'fixed', total: 200, count: 2 });
    const finished = { ...packet, status: 'finished', version: packet.version + 2 };
    const clock = new FakeClock();
    const { adapter } = faultyAdapter(async (n, config) => {
      if (n === 1) throw connectionReset(config);
      if (n === 2) return respond(config, 503, { error: { code: 'INTERNAL', message: 'x', requestId: 'r' } });
      return respond(config, 200, { packet: n < 3 ? packet : finished });
    });
    const result = await server.client(token, { adapter, clock }).packets.poll(packet.id, { intervalMs: 200 });
    expect(result.status).toBe('finished');
    expect(clock.sleeps).toEqual([200, 500, 1000]);
  });

  it('rejects with the API error at once when the packet cannot be read', async () => {
    const { client } = await sender({ clock: new FakeClock() });
    await expect(client.packets.poll('pk_missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stops on abort while a long-poll is in flight on the real server', async () => {
    const { client } = await sender();
    const packet = await client.packets.create({ mode: 'fixed', total: 200, count: 2 });
    const controller = new AbortController();
    const polling = client.packets.poll(packet.id, { intervalMs: 10, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await expect(polling).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops at its deadline on the real server, returning the last packet seen', async () => {
    const { client } = await sender();
    const packet = await client.packets.create({ mode: 'fixed', total: 200, count: 2 });
    const started = Date.now();
    const error = await client.packets.poll(packet.id, { intervalMs: 100, timeoutMs: 1500 }).catch((e) => e);
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(error.lastValue.id).toBe(packet.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('codes.autoRefresh', () => {
  /** A server on the same fake clock as the client, so token times and waits agree. */
  async function onFakeTime() {
    const clock = new FakeClock();
    const live = await startServer(clock);
    const session = await live.client().sessions.create({ provider: 'dev', openid: `refresh-${Date.now()}` });
    await live.client(session.token).wallet.topup({ amount: 1_000 });
    const packet = await live.client(session.token).packets.create({ mode: 'fixed', total: 200, count: 2 });
    const code = await live.client(session.token).codes.issue(packet.id);
    return { clock, live, token: session.token, code };
  }

  it('refreshes before each refresh time and survives a failed refresh', async () => {
    const { clock, live, token, code: issued } = await onFakeTime();
    try {
      const { adapter } = faultyAdapter(async (n, config, send) => (n === 1 ? Promise.reject(connectionReset(config)) : send()));
      const client = live.client(token, { adapter, clock, maxRetries: 0 });
      const tokens: Code[] = [];
      const errors: unknown[] = [];
      const refresher = client.codes.autoRefresh(
        issued.id,
        (code) => {
          tokens.push(code);
          if (tokens.length === 3) refresher.stop();
        },
        { current: issued, onError: (error) => errors.push(error) },
      );
      await refresher.done;

      const refreshInterval = Date.parse(issued.refreshAt) - Date.parse(issued.issuedAt);
      expect(tokens).toHaveLength(3);
      expect(new Set([issued.token, ...tokens.map((c) => c.token)]).size).toBe(4);
      expect(tokens.every((c) => c.id === issued.id)).toBe(true);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(APIConnectionError);
      // Refresh 1 at the first refresh time; refresh 2 fails at the next and is retried after back-off; refresh 3 on time.
      // Each wait ends 5 s before refreshAt (token times have whole seconds, so up to 1 s sooner).
      expect(clock.sleeps).toHaveLength(4);
      expect(clock.sleeps[2]).toBe(500);
      for (const wait of [clock.sleeps[0], clock.sleeps[1], clock.sleeps[3]]) {
        expect(wait).toBeLessThanOrEqual(refreshInterval - 5000);
        expect(wait).toBeGreaterThan(refreshInterval - 6000);
      }
      for (const code of tokens) expect(Date.parse(code.expiresAt)).toBeGreaterThan(Date.parse(code.refreshAt));
    } finally {
      await live.close();
    }
  });

  it('refreshes an old current code at once, before its refresh time passes', async () => {
    const { clock, live, token, code: issued } = await onFakeTime();
    try {
      clock.sleeps.length = 0;
      await clock.sleep(Date.parse(issued.refreshAt) - Date.parse(issued.issuedAt) - 2000);
      const refresher = live.client(token, { clock }).codes.autoRefresh(issued.id, () => refresher.stop(), { current: issued });
      await refresher.done;
      expect(clock.sleeps.slice(1)).toEqual([0]);
    } finally {
      await live.close();
    }
  });

  it('ends with the error when the code is revoked', async () => {
    const { token } = await sender();
    const packet = await server.client(token).packets.create({ mode: 'fixed', total: 200, count: 2 });
    const code = await server.client(token).codes.issue(packet.id);
    await server.client(token).codes.revoke(code.id);
    const onToken = jest.fn();
    const refresher = server.client(token, { clock: new FakeClock() }).codes.autoRefresh(code.id, onToken);
    const error = await refresher.done.catch((e) => e);
    expect(error).toBeInstanceOf(GoneError);
    expect(error.code).toBe('CODE_REVOKED');
    expect(onToken).not.toHaveBeenCalled();
  });

  it('stops cleanly through its signal', async () => {
    const { client } = await sender();
    const packet = await client.packets.create({ mode: 'fixed', total: 200, count: 2 });
    const code = await client.codes.issue(packet.id);
    const controller = new AbortController();
    const refresher = client.codes.autoRefresh(code.id, () => undefined, { current: code, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(refresher.done).resolves.toBeUndefined();
  });
});

describe('collectCodes.stream', () => {
  it('delivers existing payments when asked, then new ones, across a 503', async () => {
    const { token } = await sender();
    const owner = server.client(token);
    const code = await owner.codes.createCollect({});
    const payer = (await sender()).client;
    const old = await payer.payments.create({ token: code.token, amount: 300 });
    let failed = false;
    const { adapter } = faultyAdapter(async (n, config, send) => {
      if (n === 1 && !failed) {
        failed = true;
        return respond(config, 503, { error: { code: 'INTERNAL', message: 'x', requestId: 'r' } });
      }
      return send();
    });
    const controller = new AbortController();
    const stream = server.client(token, { adapter, clock: new FakeClock() }).collectCodes.stream(code.id, { includeExisting: true, signal: controller.signal, waitSeconds: 5 });
    const seen: number[] = [];
    setTimeout(() => void payer.payments.create({ token: code.token, amount: 301 }), 100);
    for await (const payment of stream) {
      seen.push(payment.amount);
      if (seen.length === 2) controller.abort();
    }
    expect(failed).toBe(true);
    expect(seen).toEqual([old.amount, 301]);
  });
});
