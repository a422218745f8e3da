// The claim without HTTP: what the server's own claim path does on this machine when nothing but
// it runs — no sockets, no Fastify, no load generator. The bench runs this script as a process of
// its own (WITHOUT_HTTP = JSON settings) for each store; it prints one JSON result on stdout.
//
// In this process: the server's services (buildApp, not listening) on a fresh database of the
// store, 10,000 users logged in and hot packets of 10,000 shares made through the services; then,
// for each claimer count, that many claimers in a loop, each doing what one claim request does
// past the HTTP layer — the session lookup (AuthService.authenticateSession), the claim
// (ClaimService.claim: the per-packet batches, risk screening, ledger, audit and webhook records),
// the response body (JSON) — and waiting for the commit, and on SQLite its fsync, as the server's
// onSend hook does (Database.flush). Every claim is a different (user, packet) pair.
//
// Reported per run: claims/s, this process's CPU time per claim, PostgreSQL's (all its processes,
// from /proc), the share of the cores busy, and claims per batch. Afterwards the stored claims
// are counted against the claims answered and the money invariants checked.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildApp } from '../dist/app.js';
import { DEFAULT_CONFIG } from '../dist/config.js';
import { assertInvariants } from '../dist/testing/invariants.js';
import { STORE_NAMES, cpuShares, machineCpu, progress } from './lib.mjs';
import { freshDatabase } from './scenarios.mjs';

const SHARE_TOTAL = 200_000; // ¥2,000 a packet, as the HTTP runs
/** Claims a second that the packets made before each run leave room for. */
const RATE_ROOM = 15_000;

/**
 * Runs the claim without HTTP for `store` (this file, in a process of its own) at each of
 * `claimers`; resolves to `{ store, runs, violations, claims, kept? }`, where a run is
 * `{ claimers, rate, cpuUs, postgresUs, busy, perBatch, refused }`.
 */
export async function withoutHttp(store, claimers, { seconds, users, pgServer, pgPoolSize, sqliteSynchronous }) {
  progress(`  ${STORE_NAMES[store]}: the claim without HTTP at ${claimers.join('/')} claimers…`);
  try {
    const env = { ...process.env, WITHOUT_HTTP: JSON.stringify({ store, claimers, seconds, users, pgServer, pgPoolSize, sqliteSynchronous }) };
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url)], { env, maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').pop());
    progress(`  ${STORE_NAMES[store]}: the claim without HTTP: ${result.runs.map((r) => `${Math.round(r.rate).toLocaleString('en')}/s`).join(', ')}`, { done: true });
    return result;
  } catch (error) {
    progress(`  ${STORE_NAMES[store]}: the claim without HTTP FAILED`, { done: true });
    return { store, runs: [], violations: [`claim without HTTP (${store}) failed: ${error.stderr?.trim() || error.message}`] };
  }
}

if (process.env.WITHOUT_HTTP) await child(JSON.parse(process.env.WITHOUT_HTTP));

/** The child: the runs themselves, the result as one JSON line on stdout. */
async function child({ store, claimers, seconds, users, pgServer, pgPoolSize, sqliteSynchronous }) {
  const database = await freshDatabase(store, pgServer);
  const db = database.db;
  const config = { ...DEFAULT_CONFIG, db, sqliteSynchronous, pgPoolSize, mode: 'development', logLevel: 'silent', h5Dir: null };
  const app = await buildApp({ config });
  const { services, ctx } = app.hongbao;
  const result = { store, runs: [], violations: [] };

  try {
    const tokens = [];
    for (let i = 0; i < users; i += 200) {
      const logins = await Promise.all(Array.from({ length: Math.min(200, users - i) }, (_, k) => services.auth.login({ provider: 'dev', openid: `nohttp_user_${i + k}` })));
      tokens.push(...logins.map((login) => login.token));
    }
    // Merchants as needed: each funds at most 20 packets a day (its daily limit is 25).
    let merchant = null;
    const packets = [];
    let making = Promise.resolve();
    /** Makes sure packet `index` exists (made one at a time, by whichever claimer first needs it). */
    const hotPacket = (index) => {
      making = making.then(async () => {
        while (packets.length <= index) {
          if (packets.length % 20 === 0) {
            const credentials = await services.auth.createMerchant({ tier: 'enterprise', name: `Bench merchant (no HTTP) ${packets.length / 20 + 1}` });
            merchant = { account: await ctx.stores.accounts.byId(credentials.accountId), via: 'app', appId: credentials.appId, deviceId: null };
          }
          await services.wallet.topup(merchant, SHARE_TOTAL);
          packets.push((await services.packets.create(merchant, { mode: 'random', total: SHARE_TOTAL, count: users, message: '压测' })).id);
        }
      });
      return making;
    };
    await hotPacket(0);

    let next = 0; // the claim number: user next % users, packet ⌊next / users⌋
    let answered = 0;
    for (const count of claimers) {
      // Packets for the fastest this machine could go, made before the run (a claimer that runs out
      // makes the next one itself, inside the measured time).
      await hotPacket(Math.floor((next + RATE_ROOM * seconds) / users));
      let claims = 0;
      let refused = 0;
      let firstRefusal = null;
      const batchesBefore = { ...services.claims.stats };
      const end = Date.now() + seconds * 1000;
      const before = { own: process.cpuUsage(), machine: machineCpu() };
      const started = performance.now();
      const claimer = async () => {
        while (Date.now() < end) {
          const n = next++;
          const packet = Math.floor(n / users);
          // The next packet is made by the claimer that first needs it (outside the measured claim).
          if (packets.length <= packet) await hotPacket(packet);
          try {
            const actor = await services.auth.authenticateSession(tokens[n % users]);
            const response = await services.claims.claim(actor, { packetId: packets[packet] });
            JSON.stringify(response);
            claims++;
          } catch (error) {
            refused++;
            firstRefusal ??= error.code ?? error.message;
          }
          await ctx.db.flush();
        }
      };
      await Promise.all(Array.from({ length: count }, claimer));
      const elapsed = (performance.now() - started) / 1000;
      const shares = cpuShares(before, { own: process.cpuUsage(), machine: machineCpu() }, claims);
      answered += claims;
      const batches = services.claims.stats.batches - batchesBefore.batches;
      const batched = services.claims.stats.batched - batchesBefore.batched;
      const run = {
        claimers: count,
        rate: claims / elapsed,
        cpuUs: shares.loadUs, // this process's: the claim path's
        postgresUs: store === 'postgres' ? shares.postgresUs : null,
        busy: shares.busy,
        perBatch: batches > 0 ? batched / batches : null,
        refused,
      };
      result.runs.push(run);
      if (refused > 0) result.violations.push(`claim without HTTP (${store}, ${count} claimers): ${refused} claims refused, the first: ${firstRefusal}`);
    }
    await ctx.db.flush();
    const stored = Number((await ctx.db.get('SELECT COUNT(*) AS n FROM claims')).n);
    if (stored !== answered) result.violations.push(`claim without HTTP (${store}): ${stored} claims stored, ${answered} answered`);
    try {
      await assertInvariants(ctx.db);
    } catch (error) {
      result.violations.push(`claim without HTTP (${store}): ${error.message}`);
    }
    result.claims = answered;
  } catch (error) {
    result.violations.push(`claim without HTTP (${store}) failed: ${error.stack ?? error}`);
  } finally {
    await app.close();
    if (result.violations.length === 0) await database.discard().catch(() => undefined);
    else result.kept = database.shown;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
