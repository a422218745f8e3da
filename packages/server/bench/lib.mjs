// Helpers for the benchmarks: child servers, load runs with a progress line, small HTTP calls.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks (USER_HZ) in /proc, in µs: 100 ticks a second on every kernel the bench meets. */
const TICK_US = 10_000;

/**
 * Where the machine's CPU time has gone so far, from /proc (Linux): `busyUs` all cores' non-idle
 * time, `totalUs` all cores' time, `postgresUs` that of every PostgreSQL process (backends, WAL
 * writer, checkpointer…). Null elsewhere.
 */
export function machineCpu() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = fields.map(Number);
    let postgres = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith('postgres')) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      postgres += Number(rest[11]) + Number(rest[12]); // utime, stime
    }
    const busy = user + nice + system + irq + softirq;
    return { busyUs: busy * TICK_US, totalUs: (busy + idle + iowait + steal) * TICK_US, postgresUs: postgres * TICK_US };
  } catch {
    return null;
  }
}

/** CPU time per answered request over a run: this process's (the load generator's), PostgreSQL's and the whole machine's. */
export function cpuShares(before, after, count) {
  const own = after.own.user + after.own.system - before.own.user - before.own.system;
  const per = (value) => (count > 0 ? value / count : null);
  if (!before.machine || !after.machine) return { loadUs: per(own), postgresUs: null, machineUs: null, busy: null };
  const busy = after.machine.busyUs - before.machine.busyUs;
  const total = after.machine.totalUs - before.machine.totalUs;
  return { loadUs: per(own), postgresUs: per(after.machine.postgresUs - before.machine.postgresUs), machineUs: per(busy), busy: total > 0 ? busy / total : null };
}

/** Writes a line that rewrites itself on a terminal (stderr), and a plain line elsewhere. */
export function progress(text, { done = false } = {}) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${text}\n`);
}

/**
 * Forks `script`, waits for it to report `{url}` over IPC and returns a handle that stops it.
 * `counters`: the child answers 'stats' with its counters (hongbao-server.mjs), which
 * BENCH_STATS=1 prints for each measured run.
 */
export async function startChild(script, env = {}, { counters = false } = {}) {
  // The child's stdout goes to our stderr: stdout is for the report.
  const child = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 2, 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const [message] = await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => {
      throw new Error(`${script} exited with code ${code} before it was ready`);
    }),
  ]);
  return {
    url: message.url,
    child,
    /** The child's CPU time so far (process.cpuUsage: user and system µs), asked over IPC. */
    async cpu() {
      return (await this.ask('cpu')).cpu;
    },
    /** Sends `message` over IPC and resolves with the child's reply. */
    async ask(message) {
      const reply = once(child, 'message');
      child.send(message);
      return (await reply)[0];
    },
    /**
     * Runs `task` (a load run resolving to `{ ok }` or `{ statuses }`) and adds `cpuUs`: the child's
     * CPU time per answered request over the run. CPU time is steadier than throughput on a shared
     * machine: it counts the work a request costs, not the time it waited for a core. Beside it,
     * per answered request too: `loadUs` this process's (autocannon's), `postgresUs` PostgreSQL's
     * processes', `machineUs` all cores' busy time, and `busy` the share of the machine in use.
     */
    async measured(task, answered, profileName = null) {
      if (profileName) await this.ask({ profile: 'start' });
      const counting = counters && process.env.BENCH_STATS;
      const statsBefore = counting ? (await this.ask('stats')).stats : null;
      const before = await this.cpu();
      const around = { own: process.cpuUsage(), machine: machineCpu() };
      const run = await task();
      const finished = { own: process.cpuUsage(), machine: machineCpu() };
      const after = await this.cpu();
      if (counting) process.stderr.write(`  stats: ${JSON.stringify(delta(statsBefore, (await this.ask('stats')).stats))}\n`);
      if (profileName) await this.ask({ profile: 'stop', name: profileName });
      const spent = after.user + after.system - before.user - before.system;
      const count = answered(run);
      return { ...run, cpuUs: count > 0 ? spent / count : null, ...cpuShares(around, finished, count) };
    },
    /** Asks the child to shut down gracefully (SIGTERM) and resolves with its exit code. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

/**
 * Runs autocannon with a one-line progress report on stderr every second. `setup` receives the
 * running instance before the first request goes out (so a request generator can stop it).
 */
export async function load(label, options, setup) {
  const instance = autocannon(options);
  setup?.(instance);
  let sent = 0;
  let seconds = 0;
  instance.on('tick', ({ counter }) => {
    sent += counter;
    seconds += 1;
    progress(`  ${label}: ${seconds}/${options.duration} s, ${counter.toLocaleString('en')} req/s, ${sent.toLocaleString('en')} responses`);
  });
  const result = await instance;
  progress(`  ${label}: done, ${result.requests.total.toLocaleString('en')} responses in ${result.duration} s`, { done: true });
  return result;
}

/** A JSON request that throws unless the status is the expected one. */
export async function request(url, { method = 'POST', headers = {}, body, expect = [200, 201] } = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, { method, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers }, body: payload });
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight, reporting progress. */
export async function inParallel(label, count, concurrency, task) {
  const results = new Array(count);
  const started = Date.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
      if (++done % 500 === 0 || done === count) {
        const took = done === count ? ` in ${((Date.now() - started) / 1000).toFixed(1)} s` : '';
        progress(`  ${label}: ${done.toLocaleString('en')}/${count.toLocaleString('en')}${took}`, { done: done === count });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** A positive whole number from the environment, or `fallback` when unset. */
export function setting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${name} must be a positive whole number (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** A comma-separated list of positive whole numbers from the environment, sorted and deduplicated. */
export function listSetting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const items = value.split(',').map((item) => item.trim());
  if (items.length === 0 || !items.every((item) => /^\d+$/.test(item) && Number(item) >= 1)) {
    throw new Error(`${name} must be a comma-separated list of positive whole numbers (got ${JSON.stringify(value)})`);
  }
  return [...new Set(items.map(Number))].sort((a, b) => a - b);
}

/** One of `choices` (case-insensitive; several, comma-separated, when `many`) from the environment. */
export function choiceSetting(name, choices, fallback, { many = false } = {}) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const items = value.split(',').map((item) => item.trim().toLowerCase());
  const known = choices.map((choice) => choice.toLowerCase());
  if ((!many && items.length !== 1) || !items.every((item) => known.includes(item))) {
    throw new Error(`${name} must be ${many ? 'a comma-separated list of' : 'one of'} ${choices.join(', ')} (got ${JSON.stringify(value)})`);
  }
  const picked = items.map((item) => choices[known.indexOf(item)]);
  return many ? [...new Set(picked)] : picked[0];
}

/** A number with thousands separators and a fixed number of decimals. */
export const fmt = (n, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Calls `task()` repeatedly for about `ms` milliseconds (after a short warm-up, so the JIT has
 * compiled it) and returns the calls per second. Checks the clock every few calls only, so the
 * timing itself costs next to nothing even for microsecond tasks.
 */
export function rateOf(task, ms) {
  const run = (budgetMs) => {
    let calls = 0;
    let batch = 1;
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(budgetMs * 1e6));
    let elapsed = 0n;
    while (elapsed < budget) {
      for (let i = 0; i < batch; i++) task();
      calls += batch;
      elapsed = process.hrtime.bigint() - start;
      // Aim for about 10 ms between clock reads.
      if (elapsed < 10_000_000n) batch *= 2;
    }
    return (calls * 1e9) / Number(elapsed);
  };
  run(Math.min(100, ms / 5));
  return run(ms);
}

/** Resolves once `read()` gives the same value twice in a row `intervalMs` apart (at most `timeoutMs`). */
export async function settled(read, { intervalMs = 150, timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let previous = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const current = await read();
    if (current === previous || Date.now() > deadline) return current;
    previous = current;
  }
}

/** Display names of the stores. */
export const STORE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** after − before, key by key, for nested objects of counters. */
function delta(before, after) {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, typeof value === 'object' ? delta(before[key] ?? {}, value) : value - (before[key] ?? 0)]));
}
