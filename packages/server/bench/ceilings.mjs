// What PostgreSQL alone does with the claim on this machine: no Node, no HTTP, no server. pgbench
// (PostgreSQL's own load generator, in C) runs the product's one-statement claim
// (PacketStore.takeShare, read from dist/ so that it is the very statement the server prepares)
// against a fresh database seeded with one hot packet, and, beside it:
//   - `SELECT 1`: the round-trip rate, the engine's own baseline in the same run;
//   - the claim, one per transaction: what a claim costs when each pays its own commit;
//   - 64 claims per transaction: what the server's commit groups do (one COMMIT, the packet's row
//     locked once), each claim still a statement of its own;
//   - a claim batch: 64 claims in ONE statement, the server's own (PacketStore.takeShares: users
//     paired with the next slots, the escrow debited once, every ledger entry with its running
//     balance), as the server's claim batches run it.
// The money invariants are checked on the database afterwards; a violation fails the bench.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../dist/store/open.js';
import { PacketStore } from '../dist/store/packets.js';
import { createPostgresDatabase, dropPostgresDatabase } from '../dist/store/postgres.js';
import { assertInvariants } from '../dist/testing/invariants.js';
import { fmt, progress } from './lib.mjs';

const run = promisify(execFile);

/** Users and shares seeded: enough for every run below, with room to spare. */
const SEEDED = 100_000;
/** Claims per transaction (grouped, as GROUP_MAX in the server) and per statement (a claim batch). */
const GROUP = 64;
const NOW = 1_000;

/** pgbench on PATH or in Debian's PostgreSQL server package; null when there is none. */
export function findPgbench() {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pgbench'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin', 'pgbench') : null;
}

/** A statement PacketStore prepares (matched by `pattern` and containing `marker`), as the server prepares it. */
function serverSql(pattern, marker, what) {
  const prepared = [];
  const recorder = { prepare: (sql) => (prepared.push(sql), { pluck: () => ({}) }) };
  new PacketStore(recorder);
  const sql = prepared.find((text) => pattern.test(text) && text.includes(marker));
  if (!sql) throw new Error(`PacketStore no longer prepares ${what}`);
  return sql;
}

/** The claim statement with pgbench variables: user, claim, transfer and wallet ids all from `:u`. */
function claimScript() {
  const values = {
    packet_id: "'pk_hot'",
    claim_id: "('cl' || :u)",
    user_id: "('u' || :u)",
    device_id: 'NULL',
    transfer_id: "('tr' || :u)",
    wallet_account_id: "('w' || :u)",
    now: String(NOW),
  };
  const sql = serverSql(/^\s*WITH packet AS/, 'INSERT INTO claims', 'the one-statement claim (WITH packet AS … INSERT INTO claims)').replace(/@([a-z_]+)/g, (_, name) => {
    if (!(name in values)) throw new Error(`takeShare has a parameter the ceiling run does not fill: @${name}`);
    return values[name];
  });
  // Each client counts its own claims (pgbench keeps a client's variables between transactions),
  // so every user claims once: u = base + client × stride + n.
  return `\\set n :n + 1\n\\set u :base + :client_id * :stride + :n\n${sql.replace(/\s+/g, ' ').trim()};\n`;
}

/**
 * The server's batch statement (PacketStore.takeShares): `:k` users (u0+1 … u0+k) take the next
 * `:k` slots in one statement, their arrays made by the statement itself.
 */
function batchScript() {
  const sql = serverSql(/^\s*WITH input AS/, 'unnest(CAST(@claim_ids', 'the batch statement (WITH input AS … unnest(CAST(@claim_ids …)');
  const array = (prefix) => `(SELECT array_agg('${prefix}' || (:u0 + i) ORDER BY i) FROM generate_series(1, :k) i)`;
  const values = {
    packet_id: "'pk_hot'",
    now: String(NOW),
    k: ':k',
    claim_ids: array('cl'),
    user_ids: array('u'),
    device_ids: '(SELECT array_agg(CAST(NULL AS TEXT)) FROM generate_series(1, :k))',
    transfer_ids: array('tr'),
    wallet_ids: array('w'),
  };
  const filled = sql.replace(/@([a-z_]+)/g, (_, name) => {
    if (!(name in values)) throw new Error(`takeShares has a parameter the ceiling run does not fill: @${name}`);
    return values[name];
  });
  return `\\set n :n + 1\n\\set u0 :base + :client_id * :stride + (:n - 1) * :k\n${filled.replace(/\s+/g, ' ').trim()};\n`;
}

/** One merchant, SEEDED users with wallets, and one hot packet of SEEDED shares funded through a balanced transfer. */
const SEED_SQL = `
INSERT INTO accounts (id, kind, name, tier, role, created_at) VALUES ('m_hot', 'merchant', 'Ceiling merchant', 'enterprise', 'merchant', 0);
INSERT INTO accounts (id, kind, name, tier, role, created_at) SELECT 'u' || i, 'user', 'User ' || i, 'personal', 'user', 0 FROM generate_series(1, ${SEEDED}) i;
INSERT INTO ledger_accounts (id, owner_id, type, balance, may_go_negative) SELECT 'w' || i, 'u' || i, 'wallet', 0, 0 FROM generate_series(1, ${SEEDED}) i;
INSERT INTO packet_shares (packet_id, slot, amount) SELECT 'pk_hot', i, 1 + i % 7 FROM generate_series(0, ${SEEDED - 1}) i;
INSERT INTO ledger_accounts (id, owner_id, type, balance, may_go_negative)
  SELECT 'la_funding', 'system', 'funding', -SUM(amount), 1 FROM packet_shares WHERE packet_id = 'pk_hot';
INSERT INTO ledger_accounts (id, owner_id, type, balance, may_go_negative)
  SELECT 'la_escrow', 'pk_hot', 'escrow', SUM(amount), 0 FROM packet_shares WHERE packet_id = 'pk_hot';
INSERT INTO transfers (id, kind, reference, created_at) VALUES ('tr_funding', 'packet.fund', 'pk_hot', 0);
INSERT INTO ledger_entries (transfer_id, ledger_account_id, amount, balance_after, created_at)
  SELECT 'tr_funding', id, balance, balance, 0 FROM ledger_accounts WHERE id IN ('la_funding', 'la_escrow');
INSERT INTO packets (id, sender_id, mode, algorithm, total, count, message, scene, status, salt, commitment, escrow_account_id, created_at, expires_at)
  SELECT 'pk_hot', 'm_hot', 'random', 'double-mean', SUM(amount), COUNT(*), 'ceiling', 'chat', 'active', 's', 'c', 'la_escrow', 0, 9999999999999
  FROM packet_shares WHERE packet_id = 'pk_hot';
`;

/**
 * The runs, in order. Each claim run has its own band of users (base, stride per client) and a
 * fixed number of transactions per client, so no user claims twice and the shares never run out.
 */
function plan(seconds) {
  return [
    { key: 'select1', label: 'SELECT 1 (round trip)', clients: 16, perTx: 0, duration: seconds },
    { key: 'single', label: 'claim, one per transaction', clients: 16, perTx: 1, perStatement: 1, transactions: 200, vars: { base: 0, stride: 1_000 } },
    { key: 'grouped', label: `claim, ${GROUP} per transaction (commit groups)`, clients: 2, perTx: GROUP, perStatement: 1, transactions: 60, vars: { base: 20_000, stride: 5_000 } },
    { key: 'set', label: `claim batch, ${GROUP} claims per statement`, clients: 2, perTx: GROUP, perStatement: GROUP, transactions: 400, vars: { base: 30_000, stride: 30_000, k: GROUP } },
  ];
}

async function pgbench(bin, url, script, { clients, transactions, duration, vars = {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'hongbao-pgbench-'));
  try {
    const file = join(dir, 'script.sql');
    writeFileSync(file, script);
    const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-f', file, '-D', 'n=0'];
    for (const [name, value] of Object.entries(vars)) args.push('-D', `${name}=${value}`);
    args.push(...(transactions ? ['-t', String(transactions)] : ['-T', String(duration)]), url);
    const { stdout } = await run(bin, args, { maxBuffer: 1 << 20 });
    const tps = Number(/^tps = ([\d.]+)/m.exec(stdout)?.[1]);
    const latency = Number(/^latency average = ([\d.]+) ms/m.exec(stdout)?.[1]);
    const failed = Number(/^number of failed transactions: (\d+)/m.exec(stdout)?.[1] ?? 0);
    if (!Number.isFinite(tps)) throw new Error(`pgbench printed no rate:\n${stdout}`);
    return { tps, latency, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The PostgreSQL ceilings. Never throws: resolves to `{ skipped }` when pgbench is missing, or
 * `{ engine, runs, violations, error }` where a run is `{ key, label, clients, perTx, perStatement, rate, latency, claims }`
 * (rate: claims/s, or round trips/s for SELECT 1).
 */
export async function postgresCeilings({ pgServer, seconds }) {
  const bin = findPgbench();
  if (!bin) return { skipped: 'pgbench not found (Debian: the postgresql-15 package has it)' };
  process.stderr.write(`\nPostgreSQL alone (${bin}): the claim statement without Node\n`);
  const name = `hongbao_ceiling_${Date.now().toString(36)}`;
  const outcome = { runs: [], violations: [], error: null, engine: null };
  let url;
  let database;
  try {
    url = await createPostgresDatabase(pgServer, name);
    database = openDatabase({ db: url, pgPoolSize: 2 });
    await database.migrate();
    progress(`  seeding ${fmt(SEEDED)} users and a packet of ${fmt(SEEDED)} shares…`);
    await database.tx(async () => {
      for (const statement of SEED_SQL.split(';\n').map((s) => s.trim()).filter(Boolean)) await database.run(statement);
    });
    await database.run('ANALYZE');
    progress(`  seeded ${fmt(SEEDED)} users and a packet of ${fmt(SEEDED)} shares`, { done: true });
    outcome.engine = (await database.get('SHOW server_version')).server_version.split(' ')[0];
    const scripts = { select1: 'SELECT 1;\n', single: claimScript(), set: batchScript() };
    scripts.grouped = `BEGIN;\n${scripts.single.repeat(GROUP)}COMMIT;\n`;
    for (const step of plan(seconds)) {
      progress(`  ${step.label}, ${step.clients} clients…`);
      const result = await pgbench(bin, url, scripts[step.key], step);
      const rate = step.perTx === 0 ? result.tps : result.tps * step.perTx;
      outcome.runs.push({ ...step, rate, latency: result.latency, claims: step.transactions ? step.transactions * step.clients * step.perTx : 0 });
      if (result.failed > 0) outcome.violations.push(`PostgreSQL ceiling, ${step.label}: ${result.failed} transactions failed`);
      progress(`  ${step.label}, ${step.clients} clients: ${fmt(rate)}/s`, { done: true });
    }
    const claims = Number((await database.get('SELECT COUNT(*) AS n FROM claims')).n);
    const expected = outcome.runs.reduce((sum, r) => sum + r.claims, 0);
    if (claims !== expected) outcome.violations.push(`PostgreSQL ceiling: ${fmt(claims)} claims stored, ${fmt(expected)} made`);
    try {
      await assertInvariants(database);
    } catch (error) {
      outcome.violations.push(`PostgreSQL ceiling: ${error.message}`);
    }
    process.stderr.write(`  checked: ${fmt(claims)} claims stored, invariants ${outcome.violations.length === 0 ? 'intact' : 'VIOLATED'}\n`);
  } catch (error) {
    outcome.error = error;
    outcome.violations.push(`PostgreSQL ceiling failed: ${error.stderr?.trim() || error.message}`);
    process.stderr.write(`\nPostgreSQL ceiling failed: ${error.stderr ?? error.stack ?? error}\n`);
  } finally {
    await database?.close().catch(() => undefined);
    if (url) {
      if (outcome.violations.length === 0) await dropPostgresDatabase(pgServer, name).catch(() => undefined);
      else outcome.kept = url;
    }
  }
  return outcome;
}
