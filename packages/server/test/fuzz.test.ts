import { isErrorCode } from '@hongbao/protocol';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call, createCollectCode } from './helpers/codes';

/**
 * Fuzzing every route with random and malformed input: no answer is ever a 500, every error
 * carries a protocol error code, and a rejected request changes nothing. The one thing a refusal
 * may leave is its own record (risk decisions, review flags, restrictions and the audit entries
 * about them), kept on purpose so an operator can see why.
 */
const KEPT_ON_REFUSAL = new Set(['risk_decisions', 'risk_restrictions', 'review_flags', 'audit_log', 'audit_accounts', 'schema_migrations']);

let t: TestApp;
let routes: Array<{ method: string; path: string }>;
let ids: string[];
let tokens: string[];
let codeTokens: string[];

beforeAll(async () => {
  t = await createTestApp();
  const alice = await t.login('alice');
  const bob = await t.login('bob');
  await t.topup(alice.token, 50_000);
  const admin = (await t.app.hongbao.services.admin.createStaffUser('fuzz-admin', 'admin')).token;
  const packet = (await call(t, alice.token, 'POST', '/v1/packets', { mode: 'random', total: 1_000, count: 5 })).body.packet;
  const claimCode = (await call(t, alice.token, 'POST', `/v1/packets/${packet.id}/codes`, {})).body.code;
  const collect = await createCollectCode(t, bob.token);
  tokens = [alice.token, bob.token, admin];
  ids = [packet.id, claimCode.id, collect.id, alice.userId];
  codeTokens = [claimCode.token, collect.token];
  const document = (await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
  routes = [
    ...Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path }))),
    { method: 'GET', path: '/healthz' },
    { method: 'GET', path: '/v1/nowhere' },
  ];
});
afterAll(async () => {
  await t.checkInvariants();
  await t.close();
});

/** Every balance and the row count of every table a rejected request must not touch. */
async function state() {
  const db = t.database;
  // The audit chainer links committed entries in the background (PostgreSQL): not a change of the request's.
  await t.app.hongbao.services.audit.settle(true);
  const listTables =
    db.dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
      : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()';
  const tables = (await db.all<{ name: string }>(listTables)).map((row) => row.name).filter((name) => !KEPT_ON_REFUSAL.has(name));
  const counts: Record<string, number> = {};
  for (const name of tables) counts[name] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))!.n;
  return {
    balances: await db.all('SELECT id, balance FROM ledger_accounts ORDER BY id'),
    counts,
    codes: await db.all('SELECT id, status, version, same_amount_streak FROM codes ORDER BY id'),
    packets: await db.all('SELECT id, status, claimed_count, version FROM packets ORDER BY id'),
  };
}

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const segment = fc.oneof(
  fc.constantFrom(...['pk_x', 'acc_none', '..', '%00', 'a'.repeat(70)]),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.constant('FIXTURE'),
);
const queryValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('-1', '1e9', 'true', '', '2026-01-01T00:00:00Z'));
const queryKey = fc.oneof(fc.constantFrom('limit', 'cursor', 'wait', 'version', 'token', 'role', 'account', 'since', 'until', 'rule', 'outcome', 'status', 'type'), fc.string({ maxLength: 8 }));
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  printable(60),
  fc
    .record(
      {
        mode: fc.constantFrom('random', 'fixed', 'exclusive', 'x'),
        total: fc.oneof(fc.integer(), fc.double(), fc.constant('100')),
        count: fc.integer({ min: -5, max: 200 }),
        amount: fc.oneof(fc.integer({ min: -10, max: 1_000_000 }), fc.constant(null)),
        token: fc.oneof(fc.constant('CODE'), fc.string()),
        packetId: fc.oneof(fc.constant('FIXTURE'), fc.string()),
        message: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('刷单返现', '稳赚')),
        kind: fc.constantFrom('account', 'device', 'other'),
        value: fc.string({ maxLength: 10 }),
        reason: fc.string({ maxLength: 10 }),
        provider: fc.constantFrom('dev', 'wechat', 'x'),
        resolution: fc.constantFrom('cleared', 'confirmed', 'maybe'),
        deviceId: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant('VALID'),
  printable(40).map((text) => `Bearer ${text}`),
  printable(60).map((text) => `HB-HMAC-SHA256 ${text}`),
  printable(30),
);
const request = fc.record({
  route: fc.nat(),
  segment,
  query: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }),
  body,
  authorization,
  tokenIndex: fc.nat(),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', 'multipart/form-data', undefined),
  idempotencyKey: fc.option(printable(300), { nil: undefined }),
});

describe('fuzzing every route', () => {
  it('never answers 500, always names a protocol error code, and a rejection changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const route = routes[input.route % routes.length];
        const pick = <T>(list: T[]) => list[input.tokenIndex % list.length];
        const path = route.path.replace(/\{[^}]+\}/g, input.segment === 'FIXTURE' ? pick(ids) : input.segment);
        const query = input.query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value === 'CODE' ? pick(codeTokens) : value)}`).join('&');
        const headers: Record<string, string> = {};
        if (input.authorization !== undefined) headers.authorization = input.authorization === 'VALID' ? `Bearer ${pick(tokens)}` : input.authorization;
        if (input.contentType !== undefined && input.body !== undefined) headers['content-type'] = input.contentType;
        if (input.idempotencyKey !== undefined) headers['idempotency-key'] = input.idempotencyKey;
        const payload = input.body?.replace('"CODE"', JSON.stringify(pick(codeTokens))).replace('"FIXTURE"', JSON.stringify(pick(ids)));

        const before = await state();
        const response = await t.app.inject({ method: route.method as 'GET', url: query ? `${path}?${query}` : path, headers, payload });
        expect(response.statusCode).not.toBe(500);
        if (response.statusCode >= 400) {
          const error = response.json().error;
          expect(isErrorCode(error?.code)).toBe(true);
          expect(error.message).toEqual(expect.any(String));
          expect(await state()).toEqual(before);
        }
      }),
      { numRuns: 600, seed: 20260101 },
    );
  });
});
