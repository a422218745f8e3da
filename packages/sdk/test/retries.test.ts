/**
 * Faults between the SDK and a real server, injected with an axios adapter or a local proxy;
 * sleeps are captured by a fake clock, never waited for.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, BadRequestError, InternalServerError, RateLimitError, type Hongbao } from '@hongbao/sdk';
import { AxiosError } from 'axios';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectionReset, FakeClock, faultyAdapter, respond, startServer, type LiveServer } from './helpers';

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.t.checkInvariants());
afterAll(() => server.close());

let seq = 0;
async function sessionToken(): Promise<string> {
  const session = await server.client().sessions.create({ provider: 'dev', openid: `retry-${++seq}-${Date.now()}` });
  await server.client(session.token).wallet.topup({ amount: 10_000 });
  return session.token;
}

async function packetsSent(client: Hongbao) {
  return (await client.packets.list({ role: 'sent' })).data;
}

describe('retries with idempotency keys', () => {
  it('reuses the idempotency key when the connection drops after the server processed a POST, so exactly one packet exists', async () => {
    const token = await sessionToken();
    const clock = new FakeClock();
    const { adapter, requests } = faultyAdapter(async (n, config, send) => {
      const response = await send();
      if (n === 0) throw connectionReset(config);
      return response;
    });
    const client = server.client(token, { adapter, clock });
    const packet = await client.packets.create({ mode: 'random', total: 1000, count: 4 });

    expect(requests).toHaveLength(2);
    expect(requests[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[1].headers['idempotency-key']).toBe(requests[0].headers['idempotency-key']);
    expect(clock.sleeps).toHaveLength(1);
    const sent = await packetsSent(server.client(token));
    expect(sent.map((p) => p.id)).toEqual([packet.id]);
    expect((await server.client(token).wallet.retrieve()).balance).toBe(9_000);
  });

  it('re-signs each attempt of a merchant POST whose connection a proxy drops, and the retry creates nothing twice', async () => {
    const credentials = await server.client().dev.merchants.create({ tier: 'enterprise', name: 'Proxy test' });
    const auth = { appId: credentials.appId, secret: credentials.secret };
    await server.client(auth).wallet.topup({ amount: 100_000 });
    const upstream = new URL(server.baseURL);
    const seen: { authorization: string; key: string }[] = [];
    // Forwards each request, waits for the server's whole answer, and hangs up on the first POST instead of relaying it.
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'POST') seen.push({ authorization: String(req.headers.authorization), key: String(req.headers['idempotency-key']) });
        const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk) => body.push(chunk));
          answer.on('end', () => {
            if (req.method === 'POST' && seen.length === 1) return req.socket.destroy();
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          });
        });
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const clock = new FakeClock();
      const viaProxy = server.client(auth, { baseURL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, clock });
      const packet = await viaProxy.packets.create({ mode: 'fixed', total: 5_000, count: 50 });
      expect(seen).toHaveLength(2);
      expect(seen[1].key).toBe(seen[0].key);
      expect(seen[1].authorization).not.toBe(seen[0].authorization);
      expect((await packetsSent(server.client(auth))).map((p) => p.id)).toEqual([packet.id]);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('sends the caller\'s own idempotency key on every attempt', async () => {
    const token = await sessionToken();
    const { adapter, requests } = faultyAdapter(async (n, config, send) => (n === 0 ? respond(config, 503, { error: { code: 'INTERNAL', message: 'busy', requestId: 'r' } }) : send()));
    await server.client(token, { adapter, clock: new FakeClock() }).packets.create({ mode: 'fixed', total: 100, count: 1 }, { idempotencyKey: 'order-42' });
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['order-42', 'order-42']);
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    const token = await sessionToken();
    const clock = new FakeClock();
    const { adapter, requests } = faultyAdapter(async (n, config, send) =>
      n === 0 ? respond(config, 429, { error: { code: 'RATE_LIMITED', message: 'slow down', requestId: 'r', retryAfter: 3 } }, { 'retry-after': '3' }) : send(),
    );
    const packet = await server.client(token, { adapter, clock }).packets.create({ mode: 'fixed', total: 100, count: 1 });
    expect(packet.total).toBe(100);
    expect(clock.sleeps).toEqual([3000]);
    expect(requests).toHaveLength(2);
  });

  it('gives up on a 429 with a RateLimitError once the retries are used, and backs off instead of a Retry-After over 60 s', async () => {
    const clock = new FakeClock();
    const { adapter, requests } = faultyAdapter(async (_n, config) => respond(config, 429, { error: { code: 'RATE_LIMITED', message: 'slow down', requestId: 'r' } }, { 'retry-after': '3600' }));
    const error = await server.client(undefined, { adapter, clock, maxRetries: 3 }).keys.list().catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(requests).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(3);
    clock.sleeps.forEach((ms, i) => {
      expect(ms).toBeLessThanOrEqual(500 * 2 ** i);
      expect(ms).toBeGreaterThanOrEqual(0.75 * 500 * 2 ** i);
    });
  });

  it('does not retry a 400', async () => {
    const token = await sessionToken();
    const { adapter, requests } = faultyAdapter((_n, _config, send) => send());
    const error = await server.client(token, { adapter, clock: new FakeClock() }).packets.create({ mode: 'fixed', total: 0, count: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(error.error.field).toEqual(expect.stringContaining('total'));
    expect(requests).toHaveLength(1);
  });

  it('does not retry a POST sent without an idempotency key', async () => {
    const token = await sessionToken();
    const clock = new FakeClock();
    const { adapter, requests } = faultyAdapter(async (_n, config, send) => {
      await send();
      throw connectionReset(config);
    });
    const error = await server.client(token, { adapter, clock }).packets.create({ mode: 'fixed', total: 100, count: 1 }, { idempotencyKey: null }).catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(requests).toHaveLength(1);
    expect(requests[0].headers['idempotency-key']).toBeUndefined();
    expect(clock.sleeps).toEqual([]);
  });

  it('does not retry a 5xx answer to a POST sent without an idempotency key', async () => {
    const { adapter, requests } = faultyAdapter(async (_n, config) => respond(config, 503, { error: { code: 'INTERNAL', message: 'down', requestId: 'r' } }));
    const error = await server.client('t', { adapter, clock: new FakeClock() }).wallet.topup({ amount: 1 }, { idempotencyKey: null }).catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('retries a GET after connection errors and 5xx without a key, up to maxRetries', async () => {
    const clock = new FakeClock();
    const { adapter, requests } = faultyAdapter(async (n, config) => {
      if (n === 0) throw connectionReset(config);
      return respond(config, 502, '<html>bad gateway</html>', { 'content-type': 'text/html' });
    });
    const error = await server.client(undefined, { adapter, clock, maxRetries: 2 }).keys.list().catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.code).toBe('UNKNOWN');
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.headers['idempotency-key'] === undefined)).toBe(true);
  });

  it('reports a timeout as APIConnectionTimeoutError after retrying it', async () => {
    const { adapter, requests } = faultyAdapter(async (_n, config) => {
      throw new AxiosError('timeout of 10ms exceeded', AxiosError.ECONNABORTED, config);
    });
    const error = await server.client(undefined, { adapter, clock: new FakeClock(), maxRetries: 1 }).keys.list().catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error.code).toBe('TIMEOUT');
    expect(requests).toHaveLength(2);
  });

  it('stops retrying when the caller aborts during the back-off', async () => {
    const controller = new AbortController();
    const { adapter, requests } = faultyAdapter(async (_n, config) => {
      controller.abort();
      return respond(config, 503, { error: { code: 'INTERNAL', message: 'down', requestId: 'r' } });
    });
    const error = await server.client(undefined, { adapter, clock: new FakeClock() }).keys.list({ signal: controller.signal }).catch((e) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
  });

  it('aborts a request in flight with APIUserAbortError and does not retry it', async () => {
    const controller = new AbortController();
    const client = server.client(await sessionToken());
    const packet = await client.packets.create({ mode: 'fixed', total: 100, count: 1 });
    const pending = client.packets.retrieve(packet.id, { wait: 20, version: packet.version }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
