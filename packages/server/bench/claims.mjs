#!/usr/bin/env node
// Claim throughput of the built server against a raw node:http baseline, measured in one run so
// the ratio means something on a shared, noisy machine. Run with `pnpm bench` at the repository
// root (it builds first). Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_USERS (10000),
// and BENCH_CPU_PROF=<folder> to write a V8 CPU profile of the server (open it in Chrome DevTools).
//
// Every measured request is a real, successful claim: each goes out with its own user's session
// and a packet that user has not claimed yet (the share-card path, `POST /v1/claims {packetId}`).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteDatabase } from '../dist/store/database.js';
import { assertInvariants } from '../dist/testing/invariants.js';
import { signRequest } from '../dist/testing/harness.js';
import { inParallel, load, progress, request, startChild } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const setting = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${name} must be a positive whole number (got ${JSON.stringify(value)})`);
  return Number(value);
};
const SECONDS = setting('BENCH_SECONDS', 10);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const USERS = Math.min(setting('BENCH_USERS', 10_000), 10_000);

/** The enterprise tier's numbers (SPEC section 2): what one bench merchant may send in a day. */
const PACKET_TOTAL = 200_000; // ¥2,000, the single limit
const PACKETS_PER_MERCHANT = 25; // ¥50,000 daily limit ÷ ¥2,000
const TARGET = { claimsPerSecond: 5_000, p99Ms: 150 };

const fmt = (n, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function measureBaseline() {
  process.stderr.write(`Baseline: raw node:http hello world, ${CONNECTIONS} connections, ${SECONDS} s\n`);
  const hello = await startChild(join(here, 'hello-server.mjs'));
  try {
    const result = await load('hello', { url: hello.url, connections: CONNECTIONS, duration: SECONDS });
    return result.requests.total / result.duration;
  } finally {
    await hello.stop();
  }
}

/** Enterprise merchants funding enough packets for `claims` claims, and `USERS` logged-in users. */
async function prepare(url, claims) {
  const packetCount = Math.ceil(claims / USERS);
  const merchantCount = Math.ceil(packetCount / PACKETS_PER_MERCHANT);
  process.stderr.write(`Setup: ${merchantCount} enterprise merchant(s), ${packetCount} packets of ${USERS} shares, ${USERS} users\n`);
  const signed = (credentials, method, path, body) => {
    const payload = JSON.stringify(body);
    return request(`${url}${path}`, { method, body: payload, headers: { authorization: signRequest(credentials, method, path, payload, Date.now()) } });
  };

  const packetIds = [];
  for (let m = 0; m < merchantCount; m++) {
    const credentials = await request(`${url}/v1/dev/merchants`, { body: { tier: 'enterprise', name: `Bench merchant ${m + 1}` } });
    const packets = Math.min(PACKETS_PER_MERCHANT, packetCount - packetIds.length);
    await signed(credentials, 'POST', '/v1/wallet/topups', { amount: packets * PACKET_TOTAL });
    for (let p = 0; p < packets; p++) {
      const { packet } = await signed(credentials, 'POST', '/v1/packets', { mode: 'random', total: PACKET_TOTAL, count: USERS, message: '压测红包' });
      packetIds.push(packet.id);
      progress(`  packets: ${packetIds.length}/${packetCount}`, { done: packetIds.length === packetCount });
    }
  }
  const tokens = await inParallel('users', USERS, 32, async (i) => {
    const { token } = await request(`${url}/v1/sessions`, { body: { provider: 'dev', openid: `bench_user_${i}` } });
    return token;
  });
  return { packetIds, tokens };
}

async function measureClaims(baselineRps) {
  const dir = mkdtempSync(join(tmpdir(), 'hongbao-bench-'));
  const db = join(dir, 'hongbao.db');
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const server = await startChild(join(here, 'hongbao-server.mjs'), { BENCH_DB: db }, profile);
  let result;
  let capacity;
  try {
    // Enough unclaimed (user, packet) pairs to outlast the run even at the baseline's rate.
    capacity = Math.ceil((SECONDS * Math.max(baselineRps, 10_000) * 1.2) / USERS) * USERS;
    const { packetIds, tokens } = await prepare(server.url, capacity);
    capacity = packetIds.length * USERS;

    process.stderr.write(`Claims: POST /v1/claims, ${CONNECTIONS} connections, ${SECONDS} s\n`);
    let next = 0;
    let instance;
    result = await load(
      'claims',
      {
        url: server.url,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            path: '/v1/claims',
            // Request i is user i mod USERS claiming packet ⌊i / USERS⌋: no pair repeats, no packet runs dry.
            setupRequest: (req) => {
              const i = next++;
              if (i === capacity) instance?.stop();
              const n = Math.min(i, capacity - 1);
              return {
                ...req,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % USERS]}` },
                body: JSON.stringify({ packetId: packetIds[Math.floor(n / USERS)] }),
              };
            },
          },
        ],
      },
      (running) => {
        instance = running;
      },
    );
    result.ranOut = next > capacity;
  } finally {
    process.stderr.write('Stopping the server (graceful shutdown)…\n');
    await server.stop();
  }

  const database = new SqliteDatabase(db);
  let violations = [];
  let stored;
  try {
    stored = database.db.prepare('SELECT COUNT(*) AS n FROM claims').get().n;
    try {
      assertInvariants(database);
    } catch (error) {
      violations.push(error.message);
    }
  } finally {
    database.close();
  }
  const created = result.statusCodeStats['201']?.count ?? 0;
  // Responses still in flight when the run stopped were answered but not counted: at most one per connection.
  if (stored < created || stored > created + CONNECTIONS) violations.push(`the database holds ${stored} claims but ${created} were answered 201`);
  if (violations.length === 0) rmSync(dir, { recursive: true, force: true });
  else violations.push(`database kept for inspection: ${db}`);
  return { result, created, stored, violations, capacity };
}

function report({ baselineRps, claims, loadBefore }) {
  const { result, created, stored, violations } = claims;
  const claimsPerSecond = created / result.duration;
  const { p50, p99 } = result.latency;
  const statuses = Object.entries(result.statusCodeStats)
    .map(([status, { count }]) => `${status}×${fmt(count)}`)
    .join(', ');
  const rate = claimsPerSecond >= TARGET.claimsPerSecond;
  const latency = p99 < TARGET.p99Ms;
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  const rows = [
    ['claims/s (201 Created)', fmt(claimsPerSecond), `≥ ${fmt(TARGET.claimsPerSecond)}: ${mark(rate)}`],
    ['latency p50', `${fmt(p50, 1)} ms`, ''],
    ['latency p99', `${fmt(p99, 1)} ms`, `< ${TARGET.p99Ms} ms: ${mark(latency)}`],
    ['non-2xx responses', fmt(result.non2xx), statuses],
    ['errors / timeouts', `${fmt(result.errors)} / ${fmt(result.timeouts)}`, ''],
    ['baseline node:http req/s', fmt(baselineRps), ''],
    ['claims/s ÷ baseline req/s', fmt(claimsPerSecond / baselineRps, 2), ''],
    ['money invariants', violations.length === 0 ? 'intact' : 'VIOLATED', `${fmt(stored)} claims stored`],
  ];
  const widths = [0, 1].map((c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = [
    '',
    `Hongbao claim benchmark: Node ${process.version}, ${availableParallelism()} CPUs, ${CONNECTIONS} connections, ${result.duration} s, SQLite (WAL, synchronous=NORMAL)`,
    `Machine load average before the run: ${fmt(loadBefore, 2)} (other work on the machine skews both numbers; compare the ratio)`,
    ...rows.map(([name, value, note]) => `  ${name.padEnd(widths[0])}  ${value.padStart(widths[1])}  ${note}`),
    `Target (≥ ${fmt(TARGET.claimsPerSecond)} claims/s with p99 < ${TARGET.p99Ms} ms): ${rate && latency ? 'met' : 'missed'}`,
  ];
  if (result.ranOut) lines.push('Note: the prepared packets ran out before the time was up; raise BENCH_USERS or lower BENCH_SECONDS.');
  for (const violation of violations) lines.push(`INVARIANT: ${violation}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  const loadBefore = loadavg()[0];
  const baselineRps = await measureBaseline();
  const claims = await measureClaims(baselineRps);
  report({ baselineRps, claims, loadBefore });
  process.exitCode = claims.violations.length === 0 ? 0 : 1;
} catch (error) {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
}
