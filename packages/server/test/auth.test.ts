import { createTestApp, signRequest, type TestApp } from '../src/testing/harness';
import { freshAppPerTest } from './helpers/fresh-app';
import type { ManualClock } from '../src/clock';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

describe('sessions', () => {
  it('logs in with the dev provider and returns a bearer token that works', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { provider: 'dev', openid: 'o_alice', name: '阿丽' } });
    expect(res.statusCode).toBe(200);
    const { token, user } = res.json();
    expect(user).toMatchObject({ name: '阿丽', tier: 'personal', kind: 'user' });
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json().user.id).toBe(user.id);
  });

  it('returns the same account when the same openid logs in again', async () => {
    const first = await t.login('o_same');
    const second = await t.login('o_same');
    expect(second.userId).toBe(first.userId);
    expect(second.token).not.toBe(first.token);
  });

  it('gives first logins of one openid racing each other one account, and each its own working session', async () => {
    const retries = t.database.stats.retries;
    const logins = await Promise.all(Array.from({ length: 8 }, () => t.login('o_racing')));
    expect(t.database.stats.retries - retries).toBe(0);
    expect(new Set(logins.map((login) => login.userId)).size).toBe(1);
    expect(new Set(logins.map((login) => login.token)).size).toBe(8);
    const me = await Promise.all(logins.map((login) => t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${login.token}` } })));
    expect(me.map((res) => res.json().user.id)).toEqual(logins.map((login) => login.userId));
    expect(Number((await t.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM accounts WHERE openid = 'o_racing'"))!.n)).toBe(1);
  });

  it('logs in a crowd of new users at once, each with an account of their own, none of the logins run twice', async () => {
    const openids = Array.from({ length: 40 }, (_, i) => `o_crowd_${i}`);
    const retries = t.database.stats.retries;
    const logins = await Promise.all(openids.map((openid) => t.login(openid)));
    expect(t.database.stats.retries - retries).toBe(0);
    expect(new Set(logins.map((login) => login.userId)).size).toBe(40);
    const rows = await t.database.all<{ openid: string; id: string }>("SELECT openid, id FROM accounts WHERE openid LIKE 'o_crowd_%' ORDER BY id");
    expect(new Map(rows.map((row) => [row.openid, row.id]))).toEqual(new Map(openids.map((openid, i) => [openid, logins[i].userId])));
  });

  it('rejects an unknown session token with UNAUTHENTICATED', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer hbs_nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('expires sessions after their lifetime', async () => {
    const { token } = await t.login('o_old');
    (t.clock as ManualClock).advance(31 * 86_400_000);
    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('tells each of many requests arriving at once who it is, with unknown and expired tokens among them', async () => {
    const old = await t.login('o_expiring');
    (t.clock as ManualClock).advance(29 * 86_400_000);
    const users = await Promise.all(['o_1', 'o_2', 'o_3', 'o_4', 'o_5', 'o_6'].map((openid) => t.login(openid)));
    (t.clock as ManualClock).advance(2 * 86_400_000);
    const tokens = [...users.map((user) => user.token), 'hbs_nope', old.token, users[2].token];
    const answers = await Promise.all(tokens.map((token) => t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })));
    expect(answers.map((answer) => (answer.statusCode === 200 ? answer.json().user.id : answer.json().error.code))).toEqual([
      ...users.map((user) => user.userId),
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      users[2].userId,
    ]);
  });

  it('requires an openid for the dev login', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { provider: 'dev' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'openid' });
  });
});

describe('production mode', () => {
  it('has no dev login, no dev merchant route and no sandbox top-up', async () => {
    const prod = await createTestApp({ config: { mode: 'production' } });
    try {
      const login = await prod.app.inject({ method: 'POST', url: '/v1/sessions', payload: { provider: 'dev', openid: 'x' } });
      expect(login.json().error.code).toBe('VALIDATION_FAILED');
      const merchants = await prod.app.inject({ method: 'POST', url: '/v1/dev/merchants', payload: { tier: 'enterprise', name: 'M' } });
      expect(merchants.statusCode).toBe(404);
      expect(merchants.json().error.code).toBe('NOT_FOUND');
    } finally {
      await prod.close();
    }
  });
});

describe('merchant request signatures', () => {
  const me = async (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/v1/me', headers });

  it('accepts a correctly signed request', async () => {
    const creds = await t.merchant({ tier: 'enterprise', name: '好店' });
    const res = await me(t.signed(creds, 'GET', '/v1/me').headers);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: creds.accountId, kind: 'merchant', tier: 'enterprise', role: 'merchant' });
  });

  it('covers the exact body bytes and the query string', async () => {
    const creds = await t.merchant({ tier: 'enterprise', name: '好店' });
    const body = JSON.stringify({ amount: 500 });
    const authorization = signRequest(creds, 'POST', '/v1/wallet/topups', body, t.clock.now());
    const ok = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization, 'content-type': 'application/json' }, payload: body });
    expect(ok.statusCode).toBe(201);
    const tampered = signRequest(creds, 'POST', '/v1/wallet/topups', body, t.clock.now());
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: tampered, 'content-type': 'application/json' }, payload: JSON.stringify({ amount: 50000 }) });
    expect(res.json().error.code).toBe('SIGNATURE_INVALID');
    const query = signRequest(creds, 'GET', '/v1/wallet/entries?limit=1', '', t.clock.now());
    expect((await t.app.inject({ method: 'GET', url: '/v1/wallet/entries?limit=1', headers: { authorization: query } })).statusCode).toBe(200);
    const otherQuery = signRequest(creds, 'GET', '/v1/wallet/entries?limit=1', '', t.clock.now());
    expect((await t.app.inject({ method: 'GET', url: '/v1/wallet/entries?limit=2', headers: { authorization: otherQuery } })).json().error.code).toBe('SIGNATURE_INVALID');
    const wallet = (await t.app.inject({ method: 'GET', url: '/v1/wallet', headers: t.signed(creds, 'GET', '/v1/wallet').headers })).json().wallet;
    expect(wallet.balance).toBe(500);
  });

  it('rejects a signature made with the wrong secret', async () => {
    const creds = await t.merchant({ tier: 'enterprise', name: '好店' });
    const res = await me(t.signed({ ...creds, secret: 'wrong' }, 'GET', '/v1/me').headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('SIGNATURE_INVALID');
  });

  it('rejects a timestamp outside the ±300 s window', async () => {
    const creds = await t.merchant({ tier: 'enterprise', name: '好店' });
    const stale = signRequest(creds, 'GET', '/v1/me', '', t.clock.now() - 301_000);
    expect((await me({ authorization: stale })).json().error.code).toBe('REQUEST_EXPIRED');
    const future = signRequest(creds, 'GET', '/v1/me', '', t.clock.now() + 301_000);
    expect((await me({ authorization: future })).json().error.code).toBe('REQUEST_EXPIRED');
    const edge = signRequest(creds, 'GET', '/v1/me', '', t.clock.now() - 299_000);
    expect((await me({ authorization: edge })).statusCode).toBe(200);
  });

  it('rejects a replayed nonce', async () => {
    const creds = await t.merchant({ tier: 'enterprise', name: '好店' });
    const authorization = signRequest(creds, 'GET', '/v1/me', '', t.clock.now(), 'fixed-nonce');
    expect((await me({ authorization })).statusCode).toBe(200);
    const replay = await me({ authorization });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('REPLAYED');
  });

  it('rejects an unknown app and a malformed header', async () => {
    expect((await me(t.signed({ accountId: 'x', appId: 'app_unknown', secret: 's' }, 'GET', '/v1/me').headers)).json().error.code).toBe('UNAUTHENTICATED');
    expect((await me({ authorization: 'HB-HMAC-SHA256 nonsense' })).json().error.code).toBe('UNAUTHENTICATED');
    expect((await me({ authorization: 'Basic abc' })).json().error.code).toBe('UNAUTHENTICATED');
  });

  it('keeps custom code TTLs and limits to the provider tier (TIER_API_FORBIDDEN)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/dev/merchants', payload: { tier: 'enterprise', name: 'E', codeTtlSeconds: 600 } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('TIER_API_FORBIDDEN');
    const provider = await t.app.inject({ method: 'POST', url: '/v1/dev/merchants', payload: { tier: 'provider', name: 'P', codeTtlSeconds: 600, limits: { single: 10_000_000 } } });
    expect(provider.statusCode).toBe(201);
  });

  it('checks the fee rate against the tier range', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/dev/merchants', payload: { tier: 'enterprise', name: 'E', feeRate: 0.02 } });
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'feeRate' });
  });
});
