import { canonicalRequest, formatAuthorization, type CreateDevMerchantBody, type MerchantCredentials } from '@hongbao/protocol';
import type { FastifyInstance } from 'fastify';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app';
import { ManualClock, type Clock } from '../clock';
import { DEFAULT_CONFIG, type Config } from '../config';
import { seededRandom } from '../domain/random';
import { SqliteDatabase } from '../store/database';
import { openDatabase } from '../store/open';
import { PostgresDatabase } from '../store/postgres';
import { freshPostgresDatabase } from './postgres';
import type { Database } from '../store/sql';
import { assertInvariants } from './invariants';

/** Signs a merchant request the way SPEC section 8 says (for tests and examples). */
export function signRequest(credentials: Pick<MerchantCredentials, 'appId' | 'secret'>, method: string, target: string, body: string, nowMs: number, nonce = randomBytes(12).toString('hex')): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const signature = createHmac('sha256', credentials.secret).update(canonicalRequest(method, target, timestamp, nonce, bodyHash)).digest('hex');
  return formatAuthorization({ appId: credentials.appId, timestamp, nonce, signature });
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  clock: ManualClock | Clock;
  /** A file in this test app's own temporary folder (the SQLite database when on SQLite). */
  file: string;
  /** The store, as `--db` takes it: the SQLite file, or the URL of this test's PostgreSQL database. */
  db: string;
  /** A second connection to the same store, as another process would open it. */
  reopen(): Database;
  /** Logs a user in with the dev provider; returns the session token and the user id. */
  login(openid: string, extra?: { name?: string; deviceId?: string; region?: string }): Promise<{ token: string; userId: string }>;
  /** Sandbox top-up of a session's wallet. */
  topup(token: string, amount: number): Promise<void>;
  /** Creates a merchant through the development route. */
  merchant(body: CreateDevMerchantBody): Promise<MerchantCredentials>;
  /** Headers of a signed merchant request. */
  signed(credentials: MerchantCredentials, method: string, target: string, body?: unknown): { headers: Record<string, string>; payload: string };
  /** Rejects when any money invariant is violated. */
  checkInvariants(): Promise<void>;
  /** Starts listening on an ephemeral port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
  /** Removes the store and the temporary folder (what `close` does after closing the app): for a test that closed the app itself. */
  discard(): Promise<void>;
}

/**
 * A real app on a real store, with a hand-moved clock (starting now) and seeded randomness unless
 * told otherwise: a SQLite file in a fresh temporary folder, or — when `HONGBAO_TEST_DB=postgres`
 * (the server-postgres jest project) — a fresh PostgreSQL database, dropped on close.
 */
export async function createTestApp(options: { config?: Partial<Config>; seed?: string; clock?: Clock } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'hongbao-test-'));
  const file = join(dir, 'hongbao.db');
  const postgres = process.env.HONGBAO_TEST_DB === 'postgres' ? await freshPostgresDatabase() : null;
  const db = postgres?.url ?? file;
  const config: Config = { ...DEFAULT_CONFIG, db, logLevel: 'silent', sweepIntervalMs: 0, pgPoolSize: 4, ...options.config };
  const clock = options.clock ?? new ManualClock(Date.now());
  const database: Database = postgres ? new PostgresDatabase(postgres.url, { poolSize: config.pgPoolSize }) : new SqliteDatabase(file);
  const app = await buildApp({ config, clock, rng: seededRandom(options.seed ?? 'hongbao-test'), database });

  const expectOk = (response: { statusCode: number; body: string }, what: string) => {
    if (response.statusCode >= 300) throw new Error(`${what} failed with ${response.statusCode}: ${response.body}`);
    return JSON.parse(response.body);
  };

  const testApp: TestApp = {
    app,
    database,
    clock,
    file,
    db,
    reopen: () => openDatabase(config),
    async login(openid, extra = {}) {
      const body = expectOk(await app.inject({ method: 'POST', url: '/v1/sessions', payload: { provider: 'dev', openid, ...extra } }), 'login');
      return { token: body.token, userId: body.user.id };
    },
    async topup(token, amount) {
      expectOk(await app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: `Bearer ${token}` }, payload: { amount } }), 'top-up');
    },
    async merchant(body) {
      return expectOk(await app.inject({ method: 'POST', url: '/v1/dev/merchants', payload: body }), 'merchant');
    },
    signed(credentials, method, target, body) {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const headers: Record<string, string> = { authorization: signRequest(credentials, method, target, payload, clock.now()) };
      if (payload) headers['content-type'] = 'application/json';
      return { headers, payload };
    },
    async checkInvariants() {
      await assertInvariants(database);
    },
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('no address');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      await database.close();
      await testApp.discard();
    },
    async discard() {
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return testApp;
}
