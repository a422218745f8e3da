import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../src/config';
import { listeningUrl, SERVER_TIMEOUTS, startServer, type RunningServer } from '../src/server';

let dir: string;
let server: RunningServer | undefined;
let lines: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hongbao-server-'));
  lines = [];
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const configFor = (overrides: Partial<Config> = {}): Config => ({
  ...DEFAULT_CONFIG,
  port: 0,
  db: join(dir, 'hongbao.db'),
  h5Dir: dir,
  logLevel: 'silent',
  sweepIntervalMs: 0,
  ...overrides,
});

const start = async (overrides: Partial<Config> = {}) => {
  server = await startServer(configFor(overrides), { print: (line) => lines.push(line), handleSignals: false });
  return server;
};

describe('startServer', () => {
  it('listens on a free port when given port 0 and prints the URL, mode and database', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe('http://127.0.0.1:0');
    expect(lines[0]).toBe(`Hongbao listening on ${url} (development, SQLite ${join(dir, 'hongbao.db')})`);
  });

  it('answers /healthz over real HTTP', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('publishes an OpenAPI document that lists the API paths', async () => {
    const { url } = await start();
    const doc = await (await fetch(`${url}/v1/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/sessions', '/v1/packets', '/v1/claims', '/v1/payments', '/v1/wallet/topups', '/v1/keys']));
  });

  it('exposes Prometheus metrics that count the requests served', async () => {
    const { url } = await start();
    await fetch(`${url}/healthz`);
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE hongbao_http_requests_total counter');
    expect(text).toMatch(/hongbao_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
  });

  it('outlives load-balancer idle timeouts and 30 s long-polls', async () => {
    const { app } = await start();
    expect(app.server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveTimeoutMs);
    expect(app.server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(app.server.headersTimeout).toBeGreaterThan(app.server.keepAliveTimeout);
    expect(app.server.requestTimeout).toBeGreaterThan(30_000);
    expect(app.server.requestTimeout).toBeGreaterThanOrEqual(app.server.headersTimeout);
  });

  it('fills a missing public URL with the listening address and keeps a configured one', async () => {
    const first = await start();
    expect(first.app.hongbao.ctx.config.publicUrl).toBe(first.url);
    await first.close();
    const second = await start({ publicUrl: 'https://hb.example.com' });
    expect(second.app.hongbao.ctx.config.publicUrl).toBe('https://hb.example.com');
  });

  it('does not change the config object it was given', async () => {
    const config = configFor();
    server = await startServer(config, { print: () => {}, handleSignals: false });
    expect(config.publicUrl).toBeNull();
  });

  it('prints how to try it in development mode and nothing extra in production', async () => {
    await start();
    expect(lines.join('\n')).toMatch(/\/v1\/sessions .*"provider":"dev"/);
    await server!.close();
    lines = [];
    await start({ mode: 'production' });
    expect(lines).toEqual([expect.stringMatching(/^Hongbao listening on http:\/\/127\.0\.0\.1:\d+ \(production, SQLite /)]);
  });

  it('starts the refund sweeper when an interval is set and stops it on close', async () => {
    const { app, close } = await start({ sweepIntervalMs: 50 });
    const sweeper = app.hongbao.services.sweeper;
    const sweep = jest.spyOn(sweeper, 'sweep');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sweep).toHaveBeenCalled();
    await close();
    const calls = sweep.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sweep.mock.calls.length).toBe(calls);
  });

  it('drains and closes the database on close, and a second close is harmless', async () => {
    const { app, url, close } = await start();
    await close();
    await close();
    // A closed database answers nothing, on either store.
    await expect((async () => app.hongbao.ctx.db.get('SELECT 1'))()).rejects.toThrow();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('leaves no signal handlers behind after close', async () => {
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const running = await startServer(configFor(), { print: () => {} });
    expect(process.listenerCount('SIGINT')).toBe(before.SIGINT + 1);
    expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM + 1);
    await running.close();
    expect(process.listenerCount('SIGINT')).toBe(before.SIGINT);
    expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM);
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const { url } = await start();
    const port = Number(new URL(url).port);
    await expect(startServer(configFor({ port, db: join(dir, 'second.db') }), { print: () => {}, handleSignals: false })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('listeningUrl', () => {
  it('shows loopback for wildcard hosts and brackets IPv6 addresses', () => {
    expect(listeningUrl('0.0.0.0', { address: '0.0.0.0', family: 'IPv4', port: 8080 })).toBe('http://127.0.0.1:8080');
    expect(listeningUrl('::', { address: '::', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080');
    expect(listeningUrl('::1', { address: '::1', family: 'IPv6', port: 9 })).toBe('http://[::1]:9');
    expect(listeningUrl('localhost', { address: '127.0.0.1', family: 'IPv4', port: 1 })).toBe('http://localhost:1');
  });
});
