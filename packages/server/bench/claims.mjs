#!/usr/bin/env node
// The Hongbao benchmark: `pnpm bench` at the repository root (it builds the server first).
//
// What one run measures, all in the same run so that the ratios mean something on a shared, noisy
// machine (each server in a process of its own, the load generator, autocannon, in this one):
//   1. In process (micro.mjs): packet splits per second (double-mean and line-cut, ¥2,000 into 100
//      and into 10,000 shares) and token encodes/decodes per second for each scheme.
//   2. A raw node:http hello server at every connection count: the baseline every HTTP figure is
//      divided by (at the same connection count).
//   3. For each store (SQLite file, then a fresh PostgreSQL database), a real server
//      (hongbao-server.mjs, per-IP rate limits off) set up over the public API — 10,000 logged-in
//      users, enterprise merchants (10,000 shares, ¥2,000 a packet), 1,000 collect codes — then:
//      - a warm-up claim run (checked, not reported);
//      - claims on a hot packet at each connection count: every connection claims from one packet
//        of 10,000 shares, each request a different user, until it is empty, then the next;
//      - claims spread over many packets (1,000 shares each; consecutive requests hit different
//        packets) at the main connection count; every claim request is a distinct (user, packet) pair;
//      - dynamic codes at the main connection count: claim-code issue (POST /v1/packets/:id/codes,
//        merchant-signed), collect-code read with a fresh token (GET /v1/collect-codes/:id), refresh
//        (POST /v1/codes/:id/refresh) and token resolve (GET /v1/codes/resolve).
//      After each claim run: the claims stored against the 201 responses, and the money invariants
//      on the database; once more after the server shuts down. Any violation exits with code 1
//      (and keeps the database for inspection). Missed targets are reported, not failed:
//      SQLite with synchronous=FULL ≥ 10,000 claims/s with p99 < 150 ms on a hot packet, and
//      PostgreSQL ≥ 4,000 claims/s on one instance (each hot-packet run judged; the headline is the
//      fastest run that meets its target, else the fastest, with its connection count).
//   4. With PostgreSQL among the stores (and BENCH_CEILINGS not 0): what PostgreSQL alone does
//      with the claim statement, under pgbench, with no Node in the way (ceilings.mjs): the
//      ceiling the server's PostgreSQL figures are to be read against.
//   5. With BENCH_CEILINGS not 0, for each store: the claim without HTTP (without-http.mjs) — the
//      server's own services in a process of their own, no sockets, no Fastify, no load generator,
//      claimers in a loop at each connection count and at 200 (session lookup, claim, response
//      body, commit and fsync): what the claim path alone does on this machine, the ceiling of
//      the hot-packet HTTP run at the same count, shown beside it.
//   6. Where the CPU went over the baseline and each claim run, per answered request (from /proc,
//      Linux): the server process, every PostgreSQL process, the load generator (this process),
//      the rest of the machine, and the share of the cores busy: whether a run was bound by the
//      machine's CPU or by something else (one thread, a lock, round trips).
//   7. The report on stdout, results/summary.md and results/throughput.svg (overwritten each run).
//
// Settings (environment):
//   BENCH_SECONDS          seconds per measured run (5)
//   BENCH_WARMUP           seconds of the warm-up claim run per store, 0 for none (1)
//   BENCH_CONNECTIONS      connection counts of the baseline and hot-packet runs (10,50,100,200)
//   BENCH_MAIN_CONNECTIONS connections of the single-point runs, added to the
//                          list above when missing (50)
//   BENCH_USERS            users, and shares per hot packet, at most 10,000 (10000)
//   BENCH_STORES           stores to bench: sqlite, postgres or both (sqlite,postgres)
//   BENCH_SCENARIOS        what to run on each store: claims (hot and spread), codes, or both
//                          (claims,codes); claims alone is the quick loop while working on the claim
//   BENCH_PG               PostgreSQL server to make the bench database on
//                          (postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_PG_POOL          the server's PostgreSQL connections (the server default, 16)
//   BENCH_SQLITE_SYNCHRONOUS  FULL (default, fsync-durable) or NORMAL (the SQLite target is judged on FULL only)
//   BENCH_CEILINGS         0 skips the ceiling runs: PostgreSQL alone, and the claim without HTTP (1)
//   BENCH_MICRO_MS         milliseconds per in-process measurement (500)
//   BENCH_LOG_LEVEL        the servers' log level, logged to stderr (error)
//   BENCH_CPU_PROF=<dir>   write a V8 CPU profile of each measured server run, and of nothing else
//                          (setup and checks left out): <store>-<scenario>-<conns>.cpuprofile,
//                          to open in Chrome DevTools
//   BENCH_STATS=1          print the server's counters over each measured run on stderr: its
//                          database's transactions, commits and fsyncs, and its claim batches
// The default run takes about 3 minutes on a 2-core machine (build included), most of it setup.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codecRates, splitRates } from './micro.mjs';
import { chartSeries, duration, markdownSummary, terminalReport, throughputSvg } from './report.mjs';
import { postgresCeilings } from './ceilings.mjs';
import { benchStore } from './scenarios.mjs';
import { withoutHttp } from './without-http.mjs';
import { STORE_NAMES, choiceSetting, fmt, listSetting, load, setting, startChild } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const started = Date.now();
/** The most claimers of the claim-without-HTTP runs, beside the connection counts: how far batching goes. */
const WITHOUT_HTTP_MOST = 200;

/** The settings from the environment (see the header); a bad value stops the bench before it starts. */
function readSettings() {
  const mainConnections = setting('BENCH_MAIN_CONNECTIONS', 50);
  // The main connection count always has a point of its own (the spread and code runs use it).
  const connections = [...new Set([...listSetting('BENCH_CONNECTIONS', [10, 50, 100, 200]), mainConnections])].sort((a, b) => a - b);
  return {
    seconds: setting('BENCH_SECONDS', 5),
    warmup: process.env.BENCH_WARMUP === '0' ? 0 : setting('BENCH_WARMUP', 1),
    connections,
    mainConnections,
    users: Math.min(setting('BENCH_USERS', 10_000), 10_000),
    stores: choiceSetting('BENCH_STORES', ['sqlite', 'postgres'], ['sqlite', 'postgres'], { many: true }),
    scenarios: choiceSetting('BENCH_SCENARIOS', ['claims', 'codes'], ['claims', 'codes'], { many: true }),
    pgServer: process.env.BENCH_PG || 'postgres://postgres@127.0.0.1:5432/postgres',
    pgPoolSize: setting('BENCH_PG_POOL', 16),
    sqliteSynchronous: choiceSetting('BENCH_SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'], 'FULL'),
    ceilings: process.env.BENCH_CEILINGS !== '0',
    microMs: setting('BENCH_MICRO_MS', 500),
    cpuProfile: process.env.BENCH_CPU_PROF || null,
  };
}

let settings;
try {
  settings = readSettings();
} catch (error) {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
}
const { connections, mainConnections } = settings;

/** The node:http hello server at each connection count, one process for all. */
async function measureBaseline(counts) {
  process.stderr.write(`\nBaseline: raw node:http hello world, ${counts.join('/')} connections, ${settings.seconds} s each\n`);
  const hello = await startChild(join(here, 'hello-server.mjs'));
  const baseline = new Map();
  try {
    if (settings.warmup > 0) await load('hello warm-up', { url: hello.url, connections: mainConnections, duration: settings.warmup });
    for (const conns of counts) {
      const result = await hello.measured(
        () => load(`hello, ${conns} connections`, { url: hello.url, connections: conns, duration: settings.seconds }),
        (run) => run.statusCodeStats['200']?.count ?? 0,
      );
      const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]));
      baseline.set(conns, { rate: (statuses['200'] ?? 0) / result.duration, p50: result.latency.p50, p99: result.latency.p99, statuses, errors: result.errors, cpuUs: result.cpuUs, loadUs: result.loadUs, machineUs: result.machineUs, busy: result.busy });
    }
  } finally {
    await hello.stop();
  }
  return baseline;
}

try {
  const loadBefore = loadavg()[0];
  process.stderr.write(`Hongbao benchmark: ${settings.stores.map((s) => STORE_NAMES[s]).join(' and ')}, ${settings.seconds} s per run\n\nIn process\n`);
  const splits = splitRates(settings.microMs);
  const codecs = codecRates(settings.microMs);
  const baseline = await measureBaseline(connections);
  const stores = [];
  for (const store of settings.stores) stores.push(await benchStore(store, settings));
  const ceilings = settings.ceilings && settings.stores.includes('postgres') ? await postgresCeilings(settings) : null;
  const withoutHttpRuns = [];
  if (settings.ceilings) {
    process.stderr.write(`\nThe claim without HTTP: the server's services alone, in a process of their own\n`);
    for (const store of settings.stores) withoutHttpRuns.push(await withoutHttp(store, [...new Set([...connections, WITHOUT_HTTP_MOST])].sort((a, b) => a - b), settings));
  }

  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const summaryFile = join(resultsDir, 'summary.md');
  const chartFile = join(resultsDir, 'throughput.svg');
  const data = {
    node: process.version,
    cpus: availableParallelism(),
    loadBefore,
    settings,
    splits,
    codecs,
    baseline,
    stores,
    ceilings,
    withoutHttpRuns,
    files: [summaryFile, chartFile].map((file) => relative(process.cwd(), file) || file),
    finishedAt: new Date(),
    totalSeconds: (Date.now() - started) / 1000,
  };
  const subtitle = `Node ${data.node}, ${data.cpus} CPUs, ${settings.seconds} s per point; claims: ${stores.map((o) => `${STORE_NAMES[o.store]}${o.engine ? ` ${o.engine}` : ''}`).join(', ')}`;
  writeFileSync(chartFile, throughputSvg(chartSeries(data), { subtitle }));
  data.totalSeconds = (Date.now() - started) / 1000;
  writeFileSync(summaryFile, markdownSummary(data));
  process.stdout.write(terminalReport(data));
  const violations = [...stores.flatMap((o) => o.violations), ...(ceilings?.violations ?? []), ...withoutHttpRuns.flatMap((o) => o.violations)];
  if (violations.length > 0) process.stderr.write(`\nbench FAILED: ${fmt(violations.length)} violation(s), see above (${duration(data.totalSeconds)})\n`);
  process.exitCode = violations.length === 0 ? 0 : 1;
} catch (error) {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
}
