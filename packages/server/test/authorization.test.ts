import type { MerchantCredentials } from '@hongbao/protocol';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call, createCollectCode } from './helpers/codes';

/**
 * The authorization matrix: every route × every kind of caller, against resources owned by one
 * user ("owner"). "foreign" is another user, "merchant" another account calling with app
 * credentials, the staff roles are accounts made from the CLI. One table; one test per cell.
 */
type Caller = 'anonymous' | 'owner' | 'foreign' | 'merchant' | 'support' | 'auditor' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'owner', 'foreign', 'merchant', 'support', 'auditor', 'admin'];

interface Fixtures {
  ownerId: string;
  /** A packet of the owner that nobody claims, one already finished, and one open for claims. */
  packet: string;
  finished: string;
  open: string;
  /** Collect codes of the owner: one to read and pay, one to revoke; and a claim code token. */
  collect: { id: string; token: string };
  revocable: string;
  claimToken: string;
  blacklistEntry: string;
}

interface Row {
  method: 'GET' | 'POST' | 'DELETE';
  url: (f: Fixtures) => string;
  body?: (f: Fixtures, caller: Caller) => unknown;
  /** Expected status per caller; callers left out are not asserted (routes owned by other modules). */
  expect: Partial<Record<Caller, number>>;
}

const STAFF_DENIED = { support: 403, auditor: 403, admin: 403 };
/** A customer route about the caller's own things: every customer gets theirs, staff are refused. */
const own = (status: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner: status, foreign: status, merchant: status, ...STAFF_DENIED });
/** A customer route about the owner's resource: only the owner gets in. */
const ownerOnly = (status: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner: status, foreign: 403, merchant: 403, ...STAFF_DENIED });
const publicRoute = (status: number): Partial<Record<Caller, number>> => Object.fromEntries(CALLERS.map((caller) => [caller, status]));
const adminOnly = (status: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner: 403, foreign: 403, merchant: 403, support: 403, auditor: 403, admin: status });
const adminOrAuditor = (status: number): Partial<Record<Caller, number>> => ({ ...adminOnly(status), auditor: status });
/** Routes of the merchant-operations module: only who may reach them at all is asserted here. */
const customerOnly: Partial<Record<Caller, number>> = { anonymous: 401, support: 403, auditor: 403, admin: 403 };

const ROWS: Record<string, Row> = {
  'POST /v1/sessions': { method: 'POST', url: () => '/v1/sessions', body: (_f, caller) => ({ provider: 'dev', openid: `matrix-${caller}` }), expect: publicRoute(200) },
  'POST /v1/dev/merchants': { method: 'POST', url: () => '/v1/dev/merchants', body: () => ({ tier: 'enterprise', name: '矩阵商户' }), expect: publicRoute(201) },
  'GET /v1/keys': { method: 'GET', url: () => '/v1/keys', expect: publicRoute(200) },
  'GET /v1/me': { method: 'GET', url: () => '/v1/me', expect: { anonymous: 401, owner: 200, foreign: 200, merchant: 200, support: 200, auditor: 200, admin: 200 } },
  'GET /v1/wallet': { method: 'GET', url: () => '/v1/wallet', expect: own(200) },
  'GET /v1/wallet/entries': { method: 'GET', url: () => '/v1/wallet/entries', expect: own(200) },
  'POST /v1/wallet/topups': { method: 'POST', url: () => '/v1/wallet/topups', body: () => ({ amount: 100 }), expect: own(201) },
  'POST /v1/packets': { method: 'POST', url: () => '/v1/packets', body: () => ({ mode: 'random', total: 100, count: 1 }), expect: own(201) },
  'GET /v1/packets': { method: 'GET', url: () => '/v1/packets?role=sent', expect: own(200) },
  'GET /v1/packets/{id}': { method: 'GET', url: (f) => `/v1/packets/${f.packet}`, expect: ownerOnly(200) },
  'GET /v1/packets/{id}/claims': { method: 'GET', url: (f) => `/v1/packets/${f.packet}/claims`, expect: ownerOnly(200) },
  'GET /v1/packets/{id}/fairness': { method: 'GET', url: (f) => `/v1/packets/${f.finished}/fairness`, expect: ownerOnly(200) },
  'POST /v1/packets/{id}/codes': { method: 'POST', url: (f) => `/v1/packets/${f.packet}/codes`, body: () => ({}), expect: ownerOnly(201) },
  'GET /v1/scenes': { method: 'GET', url: () => '/v1/scenes', expect: own(200) },
  'POST /v1/collect-codes': { method: 'POST', url: () => '/v1/collect-codes', body: () => ({}), expect: own(201) },
  'GET /v1/collect-codes/{id}': { method: 'GET', url: (f) => `/v1/collect-codes/${f.collect.id}`, expect: ownerOnly(200) },
  'GET /v1/collect-codes/{id}/payments': { method: 'GET', url: (f) => `/v1/collect-codes/${f.collect.id}/payments`, expect: ownerOnly(200) },
  'GET /v1/codes/resolve': { method: 'GET', url: (f) => `/v1/codes/resolve?token=${encodeURIComponent(f.claimToken)}`, expect: own(200) },
  'POST /v1/codes/{id}/refresh': { method: 'POST', url: (f) => `/v1/codes/${f.collect.id}/refresh`, body: () => ({}), expect: ownerOnly(200) },
  'POST /v1/codes/{id}/unfreeze': { method: 'POST', url: (f) => `/v1/codes/${f.collect.id}/unfreeze`, body: () => ({}), expect: { ...ownerOnly(200), admin: 200 } },
  'DELETE /v1/codes/{id}': { method: 'DELETE', url: (f) => `/v1/codes/${f.revocable}`, expect: ownerOnly(200) },
  'POST /v1/claims': { method: 'POST', url: () => '/v1/claims', body: (f) => ({ packetId: f.open }), expect: own(201) },
  'POST /v1/payments': {
    method: 'POST',
    url: () => '/v1/payments',
    body: (f, caller) => ({ token: f.collect.token, amount: 100 + CALLERS.indexOf(caller) }),
    // Paying into one's own code moves nothing and is refused.
    expect: { ...own(201), owner: 403 },
  },
  'GET /v1/risk/decisions': { method: 'GET', url: () => '/v1/risk/decisions', expect: adminOrAuditor(200) },
  'GET /v1/blacklist': { method: 'GET', url: () => '/v1/blacklist', expect: adminOrAuditor(200) },
  'POST /v1/blacklist': { method: 'POST', url: () => '/v1/blacklist', body: () => ({ kind: 'device', value: 'matrix-device', reason: '测试' }), expect: adminOnly(201) },
  'DELETE /v1/blacklist/{id}': { method: 'DELETE', url: (f) => `/v1/blacklist/${f.blacklistEntry}`, expect: adminOnly(200) },
  'GET /v1/review-flags': { method: 'GET', url: () => '/v1/review-flags', expect: adminOrAuditor(200) },
  'POST /v1/review-flags/{id}/resolve': { method: 'POST', url: () => '/v1/review-flags/flag_none/resolve', body: () => ({ resolution: 'cleared' }), expect: adminOnly(404) },
  'GET /v1/aml-reports': { method: 'GET', url: () => '/v1/aml-reports', expect: adminOrAuditor(200) },
  'GET /v1/audit': { method: 'GET', url: () => '/v1/audit', expect: { ...publicRoute(200), anonymous: 401 } },
  'GET /v1/audit?account=owner': { method: 'GET', url: (f) => `/v1/audit?account=${f.ownerId}`, expect: { anonymous: 401, owner: 200, foreign: 403, merchant: 403, support: 200, auditor: 200, admin: 200 } },
  'GET /v1/batches/{id}': { method: 'GET', url: () => '/v1/batches/bat_none', expect: customerOnly },
  'GET /v1/batches/{id}/items': { method: 'GET', url: () => '/v1/batches/bat_none/items', expect: customerOnly },
  'POST /v1/batches': { method: 'POST', url: () => '/v1/batches', body: () => ({}), expect: customerOnly },
  'GET /v1/settlements': { method: 'GET', url: () => '/v1/settlements', expect: customerOnly },
  'GET /v1/settlements/{id}': { method: 'GET', url: () => '/v1/settlements/stl_none', expect: customerOnly },
  'GET /v1/settlements/{id}/statement.csv': { method: 'GET', url: () => '/v1/settlements/stl_none/statement.csv', expect: customerOnly },
  'GET /v1/stats/campaign': { method: 'GET', url: () => '/v1/stats/campaign', expect: customerOnly },
  'POST /v1/payments/{id}/refund': { method: 'POST', url: () => '/v1/payments/pay_none/refund', body: () => ({}), expect: customerOnly },
  'GET /v1/webhook-deliveries': { method: 'GET', url: () => '/v1/webhook-deliveries', expect: customerOnly },
  'POST /v1/webhook-deliveries/{id}/redeliver': { method: 'POST', url: () => '/v1/webhook-deliveries/whd_none/redeliver', body: () => ({}), expect: customerOnly },
  'GET /v1/webhook-endpoints': { method: 'GET', url: () => '/v1/webhook-endpoints', expect: customerOnly },
  'POST /v1/webhook-endpoints': { method: 'POST', url: () => '/v1/webhook-endpoints', body: () => ({}), expect: customerOnly },
  'DELETE /v1/webhook-endpoints/{id}': { method: 'DELETE', url: () => '/v1/webhook-endpoints/we_none', expect: customerOnly },
};

let t: TestApp;
let fixtures: Fixtures;
const credentials = new Map<Caller, string | MerchantCredentials>();

beforeAll(async () => {
  t = await createTestApp();
  const owner = await t.login('owner', { name: '主人' });
  const foreign = await t.login('foreign');
  const claimer = await t.login('claimer');
  const merchant = await t.merchant({ tier: 'enterprise', name: '别家商户' });
  await t.topup(owner.token, 10_000);
  await t.topup(foreign.token, 10_000);
  await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: 10_000 });
  const staff = (role: 'support' | 'auditor' | 'admin') => t.app.hongbao.services.admin.createStaffUser(`staff-${role}`, role).token;
  credentials.set('owner', owner.token).set('foreign', foreign.token).set('merchant', merchant);
  credentials.set('support', staff('support')).set('auditor', staff('auditor')).set('admin', staff('admin'));

  const packet = async (count: number) => (await call(t, owner.token, 'POST', '/v1/packets', { mode: 'random', total: count * 10, count })).body.packet.id;
  const finished = await packet(1);
  await call(t, claimer.token, 'POST', '/v1/claims', { packetId: finished });
  const adminToken = credentials.get('admin') as string;
  fixtures = {
    ownerId: owner.userId,
    packet: await packet(2),
    finished,
    open: await packet(10),
    collect: await createCollectCode(t, owner.token),
    revocable: (await createCollectCode(t, owner.token)).id,
    claimToken: '',
    blacklistEntry: (await call(t, adminToken, 'POST', '/v1/blacklist', { kind: 'device', value: 'matrix-removable', reason: '测试' })).body.entry.id,
  };
  fixtures.claimToken = (await call(t, owner.token, 'POST', `/v1/packets/${fixtures.packet}/codes`, {})).body.code.token;
});
afterAll(async () => {
  t.checkInvariants();
  await t.close();
});

describe('authorization matrix', () => {
  it('covers every route in the OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    const covered = new Set(Object.keys(ROWS).map((key) => key.split('?')[0]));
    expect(routes.filter((route) => !covered.has(route))).toEqual([]);
  });

  const cells = Object.entries(ROWS).flatMap(([name, row]) => CALLERS.filter((caller) => row.expect[caller] !== undefined).map((caller) => [name, caller, row] as const));
  it.each(cells)('%s as %s answers as the table says', async (_name, caller, row) => {
    const url = row.url(fixtures);
    const body = row.body?.(fixtures, caller);
    const expected = row.expect[caller]!;
    let status: number;
    let answer: any;
    if (caller === 'anonymous') {
      const response = await t.app.inject({ method: row.method, url, ...(body === undefined ? {} : { payload: body as object }) });
      status = response.statusCode;
      answer = response.body;
    } else {
      const result = await call(t, credentials.get(caller)!, row.method, url, body);
      status = result.status;
      answer = result.body;
    }
    expect({ status, answer }).toEqual({ status: expected, answer: expect.anything() });
  });
});
