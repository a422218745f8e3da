import { ManualClock } from '../src/clock';
import { DEFAULT_CONFIG, type Config } from '../src/config';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call } from './helpers/codes';

let t: TestApp;
let clock: ManualClock;
async function start(rateLimit: Partial<Config['rateLimit']>) {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 4));
  t = await createTestApp({ clock, config: { rateLimit: { ...DEFAULT_CONFIG.rateLimit, ...rateLimit } } });
}
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

const health = (ip = '10.0.0.1') => t.app.inject({ method: 'GET', url: '/v1/keys', remoteAddress: ip });

describe('rate limits', () => {
  it('answers RATE_LIMITED with Retry-After past the per-IP limit, and serves again in the next window', async () => {
    await start({ perIp: 5, windowSeconds: 60 });
    for (let i = 0; i < 5; i++) expect((await health()).statusCode).toBe(200);
    clock.advance(20_000);
    const limited = await health();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 40 });
    // Another address is counted on its own.
    expect((await health('10.0.0.2')).statusCode).toBe(200);
    clock.advance(40_000);
    expect((await health()).statusCode).toBe(200);
  });

  it('limits logins per IP separately from other requests', async () => {
    await start({ loginPerIp: 2 });
    const login = (openid: string) => t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { provider: 'dev', openid }, remoteAddress: '10.0.0.9' });
    expect((await login('a')).statusCode).toBe(200);
    expect((await login('b')).statusCode).toBe(200);
    const third = await login('c');
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('60');
    expect((await health('10.0.0.9')).statusCode).toBe(200);
    expect(await t.database.get("SELECT COUNT(*) AS n FROM accounts WHERE openid = 'c'")).toEqual({ n: 0 });
  });

  it('limits each user on its own, so one busy user does not slow another', async () => {
    await start({ perUser: 3 });
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    for (let i = 0; i < 3; i++) expect((await call(t, alice.token, 'GET', '/v1/wallet')).status).toBe(200);
    const limited = await call(t, alice.token, 'GET', '/v1/wallet');
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(limited.headers['retry-after']).toBe('60');
    expect((await call(t, bob.token, 'GET', '/v1/wallet')).status).toBe(200);
  });

  it('limits each merchant app on its own', async () => {
    await start({ perApp: 2 });
    const merchant = await t.merchant({ tier: 'enterprise', name: '限流商户' });
    const other = await t.merchant({ tier: 'enterprise', name: '别家' });
    expect((await call(t, merchant, 'GET', '/v1/wallet')).status).toBe(200);
    expect((await call(t, merchant, 'GET', '/v1/wallet')).status).toBe(200);
    expect((await call(t, merchant, 'GET', '/v1/wallet')).status).toBe(429);
    expect((await call(t, other, 'GET', '/v1/wallet')).status).toBe(200);
  });

  it('leaves traffic under the default limits alone', async () => {
    await start({});
    const alice = await t.login('alice');
    for (let i = 0; i < 200; i++) expect((await call(t, alice.token, 'GET', '/v1/wallet')).status).toBe(200);
  });

  it('refuses a body over the size limit with PAYLOAD_TOO_LARGE', async () => {
    await start({});
    const alice = await t.login('alice');
    const answer = await call(t, alice.token, 'POST', '/v1/packets', { mode: 'random', total: 100, count: 1, message: 'x'.repeat(70 * 1024) });
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
