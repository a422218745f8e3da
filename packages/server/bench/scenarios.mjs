// The HTTP scenarios against one Hongbao server (one store): setup over the public API, claim runs
// (hot packet and spread), dynamic-code runs (issue, read, refresh, resolve), and the checks after
// each claim run. Everything here talks to the server over HTTP except the checks, which read the
// database directly through the store seam.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../dist/store/open.js';
import { createPostgresDatabase, dropPostgresDatabase } from '../dist/store/postgres.js';
import { assertInvariants } from '../dist/testing/invariants.js';
import { signRequest } from '../dist/testing/harness.js';
import { STORE_NAMES, fmt, inParallel, load, progress, request, settled, startChild } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The enterprise tier's numbers (SPEC section 2): single limit ¥2,000, daily ¥50,000, up to 10,000 shares. */
const HOT_TOTAL = 200_000;
const MERCHANT_BUDGET = 4_800_000; // a little under the daily limit, so rounding never trips it
/** Spread packets: ¥200 into 1,000 shares each, many of them, one request per packet in turn. */
const SPREAD_TOTAL = 20_000;
const SPREAD_SHARES = 1_000;
/** Users who own a collect code (read, refresh, resolve runs); plenty to stay under the per-user limit. */
const CODE_USERS = 1_000;
/** Claim-code and collect-code tokens the resolve run cycles through. */
const RESOLVE_TOKENS = 200;
/** Requests in flight while setting up. */
const SETUP_CONCURRENCY = 64;
/** Capacity margin over the expected claims of a run; a run that exhausts it stops early. */
const MARGIN = 1.5;
/**
 * Claims/s to size packets for before a store has been measured; afterwards the best rate so far,
 * but never under half this (a cold warm-up must not starve the runs after it).
 */
const FIRST_GUESS = { sqlite: 15_000, postgres: 8_000 };

/**
 * A fresh database for one store: a SQLite file in a temporary folder, or a new database on the
 * PostgreSQL server. `discard()` removes it; a run with violations keeps it for inspection.
 */
export async function freshDatabase(store, pgServer) {
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hongbao-bench-'));
    const file = join(dir, 'hongbao.db');
    return { db: file, shown: file, discard: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `hongbao_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let url;
  try {
    url = await createPostgresDatabase(pgServer, name);
  } catch (error) {
    throw new Error(`cannot create a PostgreSQL database on ${pgServer} (${error.message}); set BENCH_PG, or BENCH_STORES=sqlite to skip PostgreSQL`);
  }
  return { db: url, shown: url, discard: () => dropPostgresDatabase(pgServer, name) };
}

/**
 * Benchmarks one store end to end. Never throws: resolves to
 * `{ store, runs, checks, violations, claimsStored, setup, kept, error }`, where a run is
 * `{ store, scenario, label, connections, ok, rate, p50, p99, non2xx, statuses, errors, timeouts, duration, ranOut }`,
 * `violations` lists every failed check (any fails the bench) and `kept` names the database kept
 * for inspection when there are some.
 */
/** Blacklist entries in every bench database (Api.seedBlacklist). */
const BLACKLIST_ENTRIES = 10_000;

export async function benchStore(store, settings) {
  const { seconds, warmup, connections, mainConnections, users, sqliteSynchronous, pgServer, pgPoolSize, cpuProfile, scenarios } = settings;
  const name = STORE_NAMES[store];
  const outcome = { store, engine: null, runs: [], checks: [], violations: [], claimsStored: 0, setup: null, kept: null, error: null };
  const { runs, checks, violations } = outcome;
  let database;
  let server;
  let checker;
  try {
    database = await freshDatabase(store, pgServer);
    process.stderr.write(`\n${name}: ${store === 'sqlite' ? `WAL, synchronous=${sqliteSynchronous}` : `pool of ${pgPoolSize} connections`}, ${database.shown}\n`);
    server = await startChild(join(here, 'hongbao-server.mjs'), {
      BENCH_DB: database.db,
      BENCH_SQLITE_SYNCHRONOUS: sqliteSynchronous,
      BENCH_PG_POOL: String(pgPoolSize),
      BENCH_CPU_PROF: cpuProfile ?? '',
    }, { counters: true });
    /** With BENCH_CPU_PROF: the file name of a run's profile, e.g. sqlite-hot-50. */
    const profileName = (scenario, conns) => (cpuProfile ? `${store}-${scenario}-${conns}` : null);
    checker = openDatabase({ db: database.db, sqliteSynchronous, pgPoolSize: 2 });
    outcome.engine = await engineVersion(store, checker);
    const api = new Api(server.url, users);
    await api.setup();
    await api.seedBlacklist(checker, BLACKLIST_ENTRIES);
    outcome.setup = api.summary();

    const countClaims = async () => Number((await checker.get('SELECT COUNT(*) AS n FROM claims')).n);
    let best = 0;
    /** Runs one claim scenario, then checks the database: stored claims against 201s, and the invariants. */
    const claimRun = async (scenario, label, conns, duration, plan) => {
      const before = await countClaims();
      const run = await server.measured(() => drive(server.url, `${name} ${label}, ${conns} connections`, conns, duration, 201, plan), (r) => r.ok, profileName(scenario, conns));
      plan.used?.(run.sent);
      const stored = (await settled(countClaims)) - before;
      const started = Date.now();
      progress(`  checking: money invariants over ${fmt(before + stored)} claims…`);
      const problems = [];
      // Requests still in flight when a run stops were answered but not counted: at most one per connection.
      if (stored < run.ok || stored > run.ok + conns) problems.push(`${name} ${label} at ${conns} connections: ${fmt(stored)} claims stored but ${fmt(run.ok)} answered 201`);
      try {
        await assertInvariants(checker);
      } catch (error) {
        problems.push(`${name}, after ${label} at ${conns} connections: ${error.message}`);
      }
      const took = fmt((Date.now() - started) / 1000, 1);
      progress(`  checked: ${fmt(stored)} claims stored for ${fmt(run.ok)} 201s, invariants ${problems.length === 0 ? 'intact' : 'VIOLATED'} (${took} s)`, { done: true });
      checks.push({ scenario, label, connections: conns, created: run.ok, stored, ok: problems.length === 0 });
      violations.push(...problems);
      best = Math.max(best, run.rate);
      return { store, scenario, label, connections: conns, ...run };
    };
    const codeRun = async (scenario, label, status, plan) => ({
      store,
      scenario,
      label,
      connections: mainConnections,
      ...(await server.measured(() => drive(server.url, `${name} ${label}, ${mainConnections} connections`, mainConnections, seconds, status, plan), (r) => r.ok, profileName(scenario, mainConnections))),
    });
    const expected = (duration) => Math.ceil((best ? Math.max(best, FIRST_GUESS[store] / 2) : FIRST_GUESS[store]) * duration * MARGIN);

    // Warm-up: the JIT, the caches and the pool settle before anything is measured (checked, not reported).
    if (warmup > 0) {
      await api.ensureHot(expected(warmup));
      await claimRun('warmup', 'warm-up claims, hot packet', mainConnections, warmup, api.hotPlan());
    }
    if (scenarios.includes('claims')) {
      for (const conns of connections) {
        await api.ensureHot(expected(seconds));
        runs.push(await claimRun('hot', 'claims, hot packet', conns, seconds, api.hotPlan()));
      }
      const spread = await api.makeSpread(expected(seconds));
      runs.push(await claimRun('spread', `claims, spread over ${spread.packets} packets`, mainConnections, seconds, spread.plan));
    }
    if (scenarios.includes('codes')) {
      runs.push(await codeRun('issue', 'claim code issue', 201, await api.issuePlan(20_000 * seconds)));
      runs.push(await codeRun('read', 'collect code read', 200, api.readPlan()));
      runs.push(await codeRun('refresh', 'code refresh', 200, api.refreshPlan()));
      runs.push(await codeRun('resolve', 'token resolve', 200, await api.resolvePlan()));
    }
    outcome.setup = api.summary();

    // The requests autocannon abandoned when the last run stopped are still being answered; let
    // them finish, so that shutdown starts from quiet (closing the store under them logs errors).
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.stderr.write(`Stopping the ${name} server (graceful shutdown)…\n`);
    const code = await server.stop();
    server = null;
    if (code !== 0) violations.push(`the ${name} server exited with code ${code} on shutdown`);
    // The last word, after shutdown: what the code runs wrote is consistent too.
    try {
      await assertInvariants(checker);
    } catch (error) {
      violations.push(`${name}, after shutdown: ${error.message}`);
    }
    outcome.claimsStored = await countClaims();
  } catch (error) {
    outcome.error = error;
    violations.push(`${name} bench failed: ${error.message}`);
    process.stderr.write(`\n${name} bench failed: ${error.stack ?? error}\n`);
  } finally {
    if (server) await server.stop().catch(() => undefined);
    if (checker) await checker.close().catch(() => undefined);
    if (database) {
      if (violations.length === 0) await database.discard().catch((error) => process.stderr.write(`could not remove ${database.shown}: ${error.message}\n`));
      else {
        outcome.kept = database.shown;
        process.stderr.write(`${name} database kept for inspection: ${database.shown}\n`);
      }
    }
  }
  return outcome;
}

/** The store's version, for the report (best effort). */
async function engineVersion(store, database) {
  try {
    if (store === 'sqlite') return (await database.get('SELECT sqlite_version() AS v')).v;
    return (await database.get('SHOW server_version')).server_version.split(' ')[0];
  } catch {
    return null;
  }
}

/**
 * One load run. `plan` is `{ capacity, build(i) }`: request `i` is `build(i)` for `i < capacity`.
 * When the plan runs out before the time is up the run stops, and the rate counts only the time
 * until it ran out (the few requests after that repeat the last one; for claims they get 409).
 * `ok` counts the responses with `okStatus`; `sent` how many requests were built.
 */
async function drive(url, label, connections, seconds, okStatus, { capacity, build }) {
  let next = 0;
  let instance;
  let startedAt = 0;
  let ranOutAt = 0;
  const result = await load(
    label,
    {
      url,
      connections,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => {
            const i = next++;
            if (i === 0) startedAt = Date.now();
            if (i === capacity) {
              ranOutAt = Date.now();
              instance?.stop();
            }
            const { method = 'POST', path, headers = {}, body } = build(Math.min(i, capacity - 1));
            return { ...req, method, path, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body };
          },
        },
      ],
    },
    (running) => {
      instance = running;
    },
  );
  const ok = result.statusCodeStats[String(okStatus)]?.count ?? 0;
  const duration = ranOutAt ? Math.max((ranOutAt - startedAt) / 1000, 0.001) : result.duration;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]));
  return {
    ok,
    rate: ok / duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    duration,
    ranOut: ranOutAt !== 0,
    sent: next,
  };
}

/** The bench's users and merchants on one server, and the request plans built from them. */
class Api {
  constructor(url, users) {
    this.url = url;
    this.users = users;
    this.tokens = [];
    this.merchants = [];
    this.hotPackets = [];
    this.hotCursor = 0;
    this.collectCodes = [];
    this.spreadPackets = 0;
    this.timings = {};
    this.blacklist = 0;
  }

  summary() {
    return {
      users: this.tokens.length,
      merchants: this.merchants.length,
      hotPackets: this.hotPackets.length,
      spreadPackets: this.spreadPackets,
      collectCodes: this.collectCodes.length,
      blacklist: this.blacklist,
      timings: this.timings,
    };
  }

  /**
   * A live platform's blacklist: `entries` accounts and devices, none of them the bench's, written
   * straight to the database. Every claim is screened against it, which must stay an index search.
   */
  async seedBlacklist(database, entries) {
    await database
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO blacklist (id, kind, value, reason, created_at)
         SELECT 'bench-bl-' || i, CASE WHEN i % 2 = 0 THEN 'account' ELSE 'device' END, 'bench-listed-' || i, 'bench', ? FROM n`,
      )
      .run(entries, Date.now());
    this.blacklist = entries;
  }

  signed(merchant, method, path, body) {
    const payload = JSON.stringify(body);
    return request(`${this.url}${path}`, { method, body: payload, headers: { authorization: signRequest(merchant.credentials, method, path, payload, Date.now()) } });
  }

  async setup() {
    let started = Date.now();
    this.tokens = await inParallel('logins', this.users, SETUP_CONCURRENCY, async (i) => {
      const { token } = await request(`${this.url}/v1/sessions`, { body: { provider: 'dev', openid: `bench_user_${i}` } });
      return token;
    });
    this.timings.logins = (Date.now() - started) / 1000;
    started = Date.now();
    const owners = Math.min(CODE_USERS, this.users);
    this.collectCodes = await inParallel('collect codes', owners, SETUP_CONCURRENCY, async (i) => {
      const { code } = await request(`${this.url}/v1/collect-codes`, { headers: { authorization: `Bearer ${this.tokens[i]}` }, body: { title: '压测收款' } });
      return { id: code.id, token: this.tokens[i] };
    });
    this.timings.collectCodes = (Date.now() - started) / 1000;
  }

  async newMerchant() {
    const credentials = await request(`${this.url}/v1/dev/merchants`, { body: { tier: 'enterprise', name: `Bench merchant ${this.merchants.length + 1}` } });
    await this.signed({ credentials }, 'POST', '/v1/wallet/topups', { amount: MERCHANT_BUDGET });
    const merchant = { credentials, budget: MERCHANT_BUDGET };
    this.merchants.push(merchant);
    return merchant;
  }

  async createPacketBy(merchant, total, count, message) {
    merchant.budget -= total;
    return this.signed(merchant, 'POST', '/v1/packets', { mode: 'random', total, count, message });
  }

  /** A packet from a merchant with enough of today's limit left (a new merchant when none has). */
  async createPacket(total, count, message) {
    const merchant = this.merchants.find((m) => m.budget >= total) ?? (await this.newMerchant());
    const { packet } = await this.createPacketBy(merchant, total, count, message);
    return packet.id;
  }

  /** Makes sure at least `claims` unclaimed (user, hot packet) pairs lie ahead of the cursor. */
  async ensureHot(claims) {
    const shares = this.users;
    const needed = Math.ceil((this.hotCursor + claims) / shares) - this.hotPackets.length;
    if (needed <= 0) return;
    const started = Date.now();
    for (let p = 0; p < needed; p++) {
      this.hotPackets.push(await this.createPacket(HOT_TOTAL, shares, '压测红包'));
      progress(`  hot packets of ${fmt(shares)} shares: ${p + 1}/${needed} (${fmt((Date.now() - started) / (p + 1))} ms each)`, { done: p + 1 === needed });
    }
    this.timings.hotPackets = (this.timings.hotPackets ?? 0) + (Date.now() - started) / 1000;
  }

  /**
   * Hot packet: request i is user i mod USERS claiming packet ⌊i / USERS⌋, so every connection
   * hammers the same packet until its last share is gone, then the next. No pair repeats: the
   * next run starts after the last pair this one sent (`used`).
   */
  hotPlan() {
    const first = this.hotCursor;
    const shares = this.users;
    return {
      capacity: this.hotPackets.length * shares - first,
      build: (i) => {
        const n = first + i;
        return { path: '/v1/claims', headers: { authorization: `Bearer ${this.tokens[n % shares]}` }, body: JSON.stringify({ packetId: this.hotPackets[Math.floor(n / shares)] }) };
      },
      used: (sent) => {
        this.hotCursor = first + sent;
      },
    };
  }

  /**
   * Spread: `claims` worth of packets of SPREAD_SHARES shares; request i is packet i mod P, its
   * share round r = ⌊i / P⌋, by user (r + p·SPREAD_SHARES) mod USERS, so consecutive requests hit
   * different packets and each packet sees each user at most once.
   */
  async makeSpread(claims) {
    const count = Math.min(SPREAD_SHARES, this.users);
    const packets = Math.max(1, Math.ceil(claims / count));
    const started = Date.now();
    const ids = await inParallel(`spread packets of ${fmt(count)} shares`, packets, 4, () => this.createPacket(SPREAD_TOTAL, count, '压测红包'));
    this.timings.spreadPackets = (Date.now() - started) / 1000;
    this.spreadPackets = packets;
    return {
      packets,
      plan: {
        capacity: packets * count,
        build: (i) => {
          const p = i % packets;
          const user = (Math.floor(i / packets) + p * count) % this.users;
          return { path: '/v1/claims', headers: { authorization: `Bearer ${this.tokens[user]}` }, body: JSON.stringify({ packetId: ids[p] }) };
        },
      },
    };
  }

  /**
   * Claim-code issue: merchants issue codes for a small packet of their own, in turn. Enough
   * merchants share the work that none comes near its per-app rate limit (60,000 a minute).
   */
  async issuePlan(expectedRequests) {
    const wanted = Math.max(2, Math.ceil(expectedRequests / 40_000));
    const targets = [];
    for (let m = 0; targets.length < wanted; m++) {
      const merchant = this.merchants[m] ?? (await this.newMerchant());
      if (merchant.budget < 1_000) continue;
      const { packet } = await this.createPacketBy(merchant, 1_000, 10, '压测发码');
      targets.push({ merchant, path: `/v1/packets/${packet.id}/codes` });
    }
    this.issueTargets = targets;
    return {
      capacity: Infinity,
      build: (i) => {
        const { merchant, path } = targets[i % targets.length];
        return { path, headers: { authorization: signRequest(merchant.credentials, 'POST', path, '{}', Date.now()) }, body: '{}' };
      },
    };
  }

  /** Collect-code read: each owner fetches their code with a freshly minted token, owners in turn. */
  readPlan() {
    const codes = this.collectCodes;
    return { capacity: Infinity, build: (i) => ({ method: 'GET', path: `/v1/collect-codes/${codes[i % codes.length].id}`, headers: { authorization: `Bearer ${codes[i % codes.length].token}` } }) };
  }

  /** Refresh: each owner asks for a new token (the version moves on), owners in turn. */
  refreshPlan() {
    const codes = this.collectCodes;
    return { capacity: Infinity, build: (i) => ({ path: `/v1/codes/${codes[i % codes.length].id}/refresh`, headers: { authorization: `Bearer ${codes[i % codes.length].token}` }, body: '{}' }) };
  }

  /** Resolve: fresh claim-code (SM4, enterprise) and collect-code (AES-GCM, personal) tokens, alternately, by users in turn. */
  async resolvePlan() {
    const half = RESOLVE_TOKENS / 2;
    const claimTokens = await inParallel('claim-code tokens', half, 8, async (i) => {
      const { merchant, path } = this.issueTargets[i % this.issueTargets.length];
      const { code } = await this.signed(merchant, 'POST', path, {});
      return code.token;
    });
    const collectTokens = await inParallel('collect-code tokens', half, 8, async (i) => {
      const { id, token } = this.collectCodes[i % this.collectCodes.length];
      const { code } = await request(`${this.url}/v1/collect-codes/${id}`, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
      return code.token;
    });
    const tokens = claimTokens.flatMap((token, i) => [token, collectTokens[i]]);
    return {
      capacity: Infinity,
      build: (i) => ({ method: 'GET', path: `/v1/codes/resolve?token=${tokens[i % tokens.length]}`, headers: { authorization: `Bearer ${this.tokens[i % this.tokens.length]}` } }),
    };
  }
}
