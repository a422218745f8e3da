import type { MerchantCredentials } from '@hongbao/protocol';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { businessDay } from '../src/clock';
import { call, clockOf, createCollectCode, pay } from './helpers/codes';

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
  /**
   * Resources of the owning provider merchant, for the merchant-operations rows: two webhook
   * endpoints (one to keep, one to delete) and a delivery to the kept one, a batch, the settlement
   * of yesterday, and two payments into its code awaiting settlement (one to refund, one that
   * others try to refund).
   */
  ops: { endpoint: string; deletableEndpoint: string; delivery: string; batch: string; settlement: string; refundable: string; pendingPayment: string };
}

interface Row {
  method: 'GET' | 'POST' | 'DELETE';
  url: (f: Fixtures, caller: Caller) => string;
  body?: (f: Fixtures, caller: Caller) => unknown;
  /** Expected status per caller; callers left out are not asserted (routes owned by other modules). */
  expect: Partial<Record<Caller, number>>;
  /** Expected error code per caller, where the status alone does not say why the caller was refused. */
  errors?: Partial<Record<Caller, string>>;
  /**
   * A merchant-operations route: "owner" is the provider merchant owning the `ops` fixtures and
   * "merchant" another provider (so ownership, not the tier, is what refuses it).
   */
  merchantOps?: true;
  /** An id of the owner's that no other caller's answer may contain. */
  hidden?: (f: Fixtures) => string;
}

const STAFF_DENIED = { support: 403, auditor: 403, admin: 403 };
/** A customer route about the caller's own things: every customer gets theirs, staff are refused. */
const own = (status: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner: status, foreign: status, merchant: status, ...STAFF_DENIED });
/** A customer route about the owner's resource: only the owner gets in. */
const ownerOnly = (status: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner: status, foreign: 403, merchant: 403, ...STAFF_DENIED });
const publicRoute = (status: number): Partial<Record<Caller, number>> => Object.fromEntries(CALLERS.map((caller) => [caller, status]));
const adminOnly = (status: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner: 403, foreign: 403, merchant: 403, support: 403, auditor: 403, admin: status });
const adminOrAuditor = (status: number): Partial<Record<Caller, number>> => ({ ...adminOnly(status), auditor: status });
/**
 * A merchant-operations route: the owning merchant gets `owner`, another provider `merchant`, a user
 * session is refused for its tier and staff are refused.
 */
const merchantOps = (owner: number, merchant: number): Partial<Record<Caller, number>> => ({ anonymous: 401, owner, foreign: 403, merchant, ...STAFF_DENIED });
/** The other provider gets its own (empty or new) things, never the owner's. */
const opsOwn = (status: number) => ({ merchantOps: true as const, expect: merchantOps(status, status), errors: { foreign: 'TIER_API_FORBIDDEN' } });
/** A resource of the owner's: another provider is told it does not exist. */
const opsOwnerOnly = (status: number) => ({ merchantOps: true as const, expect: merchantOps(status, 404), errors: { foreign: 'TIER_API_FORBIDDEN', merchant: 'NOT_FOUND' } });

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
  'GET /v1/batches/{id}': { method: 'GET', url: (f) => `/v1/batches/${f.ops.batch}`, ...opsOwnerOnly(200) },
  'GET /v1/batches/{id}/items': { method: 'GET', url: (f) => `/v1/batches/${f.ops.batch}/items`, ...opsOwnerOnly(200) },
  'POST /v1/batches': { method: 'POST', url: () => '/v1/batches', body: () => ({ type: 'packets', items: [{ mode: 'random', total: 100, count: 1 }] }), ...opsOwn(202) },
  'GET /v1/settlements': { method: 'GET', url: () => '/v1/settlements', ...opsOwn(200), hidden: (f) => f.ops.settlement },
  'GET /v1/settlements/{id}': { method: 'GET', url: (f) => `/v1/settlements/${f.ops.settlement}`, ...opsOwnerOnly(200) },
  'GET /v1/settlements/{id}/statement.csv': { method: 'GET', url: (f) => `/v1/settlements/${f.ops.settlement}/statement.csv`, ...opsOwnerOnly(200) },
  'GET /v1/stats/campaign': { method: 'GET', url: () => '/v1/stats/campaign', ...opsOwn(200) },
  'GET /v1/stats/campaign?batchId=owner': { method: 'GET', url: (f) => `/v1/stats/campaign?batchId=${f.ops.batch}`, ...opsOwnerOnly(200) },
  'POST /v1/payments/{id}/refund': {
    method: 'POST',
    // The owner refunds one payment; the others try another that is still refundable.
    url: (f, caller) => `/v1/payments/${caller === 'owner' ? f.ops.refundable : f.ops.pendingPayment}/refund`,
    body: () => ({}),
    ...opsOwnerOnly(201),
  },
  'GET /v1/webhook-deliveries': { method: 'GET', url: () => '/v1/webhook-deliveries', ...opsOwn(200), hidden: (f) => f.ops.delivery },
  'GET /v1/webhook-deliveries?endpointId=owner': { method: 'GET', url: (f) => `/v1/webhook-deliveries?endpointId=${f.ops.endpoint}`, ...opsOwn(200), hidden: (f) => f.ops.delivery },
  'POST /v1/webhook-deliveries/{id}/redeliver': { method: 'POST', url: (f) => `/v1/webhook-deliveries/${f.ops.delivery}/redeliver`, body: () => ({}), ...opsOwnerOnly(200) },
  'GET /v1/webhook-endpoints': { method: 'GET', url: () => '/v1/webhook-endpoints', ...opsOwn(200), hidden: (f) => f.ops.endpoint },
  'POST /v1/webhook-endpoints': { method: 'POST', url: () => '/v1/webhook-endpoints', body: (_f, caller) => ({ url: `https://example.com/hooks/${caller}` }), ...opsOwn(201) },
  'DELETE /v1/webhook-endpoints/{id}': {
    method: 'DELETE',
    // The owner deletes one endpoint; the others try the one it keeps.
    url: (f, caller) => `/v1/webhook-endpoints/${caller === 'owner' ? f.ops.deletableEndpoint : f.ops.endpoint}`,
    ...opsOwnerOnly(200),
  },
};

let t: TestApp;
let fixtures: Fixtures;
const credentials = new Map<Caller, string | MerchantCredentials>();
/** Who "owner" and "merchant" are on the merchant-operations rows. */
const opsCredentials = new Map<Caller, MerchantCredentials>();
const DAY_MS = 24 * 60 * 60 * 1000;

/** Like `call`, but answers that are not JSON (the CSV statement) come back as text. */
async function send(caller: string | MerchantCredentials, method: Row['method'], url: string, body?: unknown) {
  const request =
    typeof caller === 'string'
      ? { headers: { authorization: `Bearer ${caller}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, payload: body === undefined ? undefined : JSON.stringify(body) }
      : (({ headers, payload }) => ({ headers, payload: payload || undefined }))(t.signed(caller, method, url, body));
  const response = await t.app.inject({ method, url, ...request });
  const json = String(response.headers['content-type'] ?? '').includes('json');
  return { status: response.statusCode, body: json ? response.json() : response.body };
}

/** Sends a request the fixtures need and fails the setup on any other status. */
async function setup(caller: string | MerchantCredentials, method: 'GET' | 'POST', url: string, status: number, body?: unknown) {
  const answer = await call(t, caller, method, url, body);
  if (answer.status !== status) throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * The merchant-operations fixtures of a provider merchant: a payment yesterday, settled; two
 * payments today awaiting settlement; webhook endpoints and a delivery; a batch.
 */
async function merchantOpsFixtures(): Promise<Fixtures['ops']> {
  const clock = clockOf(t);
  const now = clock.now();
  clock.set(now - DAY_MS);
  const owner = await t.merchant({ tier: 'provider', name: '本家服务商' });
  const other = await t.merchant({ tier: 'provider', name: '别家服务商' });
  await setup(owner, 'POST', '/v1/wallet/topups', 201, { amount: 10_000 });
  await setup(other, 'POST', '/v1/wallet/topups', 201, { amount: 10_000 });
  opsCredentials.set('owner', owner).set('merchant', other);
  const payer = async () => (await t.login('ops-payer')).token;
  // A collect code's token is short-lived, so each day pays through a code made that day.
  const payment = async (token: string, code: { token: string }, amount: number) => {
    const answer = await pay(t, token, code.token, { amount });
    if (answer.status !== 201) throw new Error(`payment: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.payment.id as string;
  };
  const yesterdayPayer = await payer();
  await t.topup(yesterdayPayer, 10_000);
  await payment(yesterdayPayer, await createCollectCode(t, owner), 500);
  clock.set(now);
  const settled = await t.app.hongbao.services.settlements.settleDay(businessDay(now - DAY_MS));
  const settlement = settled.find((result) => result.settlement.merchantId === owner.accountId)!.settlement.id;
  const todayPayer = await payer();
  const code = await createCollectCode(t, owner);
  const refundable = await payment(todayPayer, code, 300);
  const pendingPayment = await payment(todayPayer, code, 200);

  const endpoint = (await setup(owner, 'POST', '/v1/webhook-endpoints', 201, { url: 'https://example.com/hooks/kept' })).endpoint.id;
  const deletableEndpoint = (await setup(owner, 'POST', '/v1/webhook-endpoints', 201, { url: 'https://example.com/hooks/deleted' })).endpoint.id;
  await setup(owner, 'POST', '/v1/packets', 201, { mode: 'random', total: 100, count: 1 });
  const delivery = (await setup(owner, 'GET', `/v1/webhook-deliveries?endpointId=${endpoint}`, 200)).data[0].id;
  const batch = (await setup(owner, 'POST', '/v1/batches', 202, { type: 'packets', items: [{ mode: 'random', total: 100, count: 1 }] })).batch.id;
  return { endpoint, deletableEndpoint, delivery, batch, settlement, refundable, pendingPayment };
}

beforeAll(async () => {
  t = await createTestApp();
  const ops = await merchantOpsFixtures();
  const owner = await t.login('owner', { name: '主人' });
  const foreign = await t.login('foreign');
  const claimer = await t.login('claimer');
  const merchant = await t.merchant({ tier: 'enterprise', name: '别家商户' });
  await t.topup(owner.token, 10_000);
  await t.topup(foreign.token, 10_000);
  await call(t, merchant, 'POST', '/v1/wallet/topups', { amount: 10_000 });
  const staff = async (role: 'support' | 'auditor' | 'admin') => (await t.app.hongbao.services.admin.createStaffUser(`staff-${role}`, role)).token;
  credentials.set('owner', owner.token).set('foreign', foreign.token).set('merchant', merchant);
  credentials.set('support', await staff('support')).set('auditor', await staff('auditor')).set('admin', await staff('admin'));

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
    ops,
    blacklistEntry: (await call(t, adminToken, 'POST', '/v1/blacklist', { kind: 'device', value: 'matrix-removable', reason: '测试' })).body.entry.id,
  };
  fixtures.claimToken = (await call(t, owner.token, 'POST', `/v1/packets/${fixtures.packet}/codes`, {})).body.code.token;
});
afterAll(async () => {
  await t.checkInvariants();
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
    const url = row.url(fixtures, caller);
    const body = row.body?.(fixtures, caller);
    const expected = row.expect[caller]!;
    let status: number;
    let answer: any;
    if (caller === 'anonymous') {
      const response = await t.app.inject({ method: row.method, url, ...(body === undefined ? {} : { payload: body as object }) });
      status = response.statusCode;
      answer = response.body;
    } else {
      const result = await send((row.merchantOps && opsCredentials.get(caller)) || credentials.get(caller)!, row.method, url, body);
      status = result.status;
      answer = result.body;
    }
    expect({ status, answer }).toEqual({ status: expected, answer: expect.anything() });
    if (row.errors?.[caller]) expect(answer.error?.code).toBe(row.errors[caller]);
    // The owner's answer lists the id, so its absence from the others' answers means something.
    if (row.hidden) expect(JSON.stringify(answer).includes(row.hidden(fixtures))).toBe(caller === 'owner');
  });

  it('leaves the owner’s endpoint and payment that other callers tried to delete or refund as they were', async () => {
    const owner = opsCredentials.get('owner')!;
    expect((await call(t, owner, 'GET', '/v1/webhook-endpoints')).body.data.map((endpoint: { id: string }) => endpoint.id)).toContain(fixtures.ops.endpoint);
    const payment = await t.database.get('SELECT status FROM payments WHERE id = ?', fixtures.ops.pendingPayment);
    expect(payment).toEqual({ status: 'pending_settlement' });
  });
});
