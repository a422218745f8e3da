// Turns a bench run's figures into the terminal report, results/summary.md and results/throughput.svg.
import { STORE_NAMES, fmt } from './lib.mjs';

/** The issue's targets (SPEC section 2 scaled to one instance). */
export const TARGETS = {
  sqlite: { claimsPerSecond: 10_000, p99Ms: 150 },
  postgres: { claimsPerSecond: 4_000 },
};

const ROUTES = {
  hot: 'POST /v1/claims',
  spread: 'POST /v1/claims',
  issue: 'POST /v1/packets/:id/codes',
  read: 'GET /v1/collect-codes/:id',
  refresh: 'POST /v1/codes/:id/refresh',
  resolve: 'GET /v1/codes/resolve',
};

const mark = (ok) => (ok ? 'met' : 'MISSED');

/** The target verdict of one run, or null when no target applies to it. */
export function targetOf(run, { sqliteSynchronous }) {
  if (run.scenario !== 'hot' && run.scenario !== 'spread') return null;
  if (run.store === 'sqlite') {
    if (run.scenario !== 'hot') return null;
    const { claimsPerSecond, p99Ms } = TARGETS.sqlite;
    const text = `≥ ${fmt(claimsPerSecond)}/s, p99 < ${p99Ms} ms`;
    if (sqliteSynchronous !== 'FULL') return { ok: null, text: `${text}: not judged (synchronous=${sqliteSynchronous})` };
    const ok = run.rate >= claimsPerSecond && run.p99 < p99Ms;
    return { ok, text: `${text}: ${mark(ok)}` };
  }
  const ok = run.rate >= TARGETS.postgres.claimsPerSecond;
  return { ok, text: `≥ ${fmt(TARGETS.postgres.claimsPerSecond)}/s: ${mark(ok)}` };
}

/**
 * The headline verdicts: for each store, its best hot-packet run — the fastest that meets the
 * target, else the fastest — named with its connection count (every run is judged in the tables).
 */
export function headlines(data) {
  const lines = [];
  for (const outcome of data.stores) {
    const hot = outcome.runs.filter((r) => r.scenario === 'hot').sort((a, b) => b.rate - a.rate);
    const run = hot.find((r) => targetOf(r, data.settings)?.ok) ?? hot[0];
    const name = STORE_NAMES[outcome.store];
    const goal =
      outcome.store === 'sqlite'
        ? `SQLite, fsync-durable claims (synchronous=FULL), hot packet: ≥ ${fmt(TARGETS.sqlite.claimsPerSecond)} claims/s with p99 < ${TARGETS.sqlite.p99Ms} ms`
        : `PostgreSQL, one instance, hot packet: ≥ ${fmt(TARGETS.postgres.claimsPerSecond)} claims/s`;
    if (!run) {
      lines.push({ ok: false, text: `${goal}: not measured (${name} run failed)` });
      continue;
    }
    const target = targetOf(run, data.settings);
    const figure = `${fmt(run.rate)} claims/s, p99 ${fmt(run.p99)} ms at ${run.connections} connections`;
    lines.push({ ok: target.ok, text: `${goal}: ${figure}: ${target.ok === null ? target.text.replace(/^.*: /, '') : mark(target.ok)}` });
  }
  return lines;
}

const others = (run, okStatus) =>
  Object.entries(run.statuses)
    .filter(([status]) => status !== okStatus)
    .map(([status, count]) => `${status}×${fmt(count)}`)
    .join(' ');

/** Rows of the HTTP table: the baseline at each connection count, then each store's runs. */
function httpRows(data) {
  const rows = [];
  for (const [connections, base] of data.baseline) {
    rows.push({ name: 'baseline: raw node:http hello', route: 'GET /', connections, rate: base.rate, p50: base.p50, p99: base.p99, ratio: 1, cpuUs: base.cpuUs, cpuRatio: 1, other: others(base, '200'), target: '' });
  }
  for (const outcome of data.stores) {
    for (const run of outcome.runs) {
      const base = data.baseline.get(run.connections);
      const okStatus = run.scenario === 'issue' || run.scenario === 'hot' || run.scenario === 'spread' ? '201' : '200';
      const notes = [others(run, okStatus), run.errors ? `errors×${fmt(run.errors)}` : '', run.timeouts ? `timeouts×${fmt(run.timeouts)}` : '', run.ranOut ? 'ran out of shares early' : '']
        .filter(Boolean)
        .join(' ');
      rows.push({
        name: `${STORE_NAMES[run.store]}: ${run.label}`,
        route: ROUTES[run.scenario],
        connections: run.connections,
        rate: run.rate,
        p50: run.p50,
        p99: run.p99,
        ratio: base ? run.rate / base.rate : null,
        cpuUs: run.cpuUs,
        cpuRatio: base?.cpuUs && run.cpuUs ? run.cpuUs / base.cpuUs : null,
        other: notes,
        target: targetOf(run, data.settings)?.text ?? '',
      });
    }
  }
  return rows;
}

function table(header, rows, align) {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  const line = (cells) => cells.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].map((l) => `  ${l}`);
}

function markdownTable(header, rows, align) {
  const escape = (cell) => cell.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`, ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)];
}

const HTTP_HEADER = ['Run', 'Route', 'Conns', 'Per second', 'p50 ms', 'p99 ms', '÷ baseline', 'Server CPU µs', 'CPU × baseline', 'Other responses', 'Target'];
const HTTP_ALIGN = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'];
/** autocannon records whole milliseconds (rounded down), so 0 means under 1 ms. */
const ms = (value) => (value < 1 ? '< 1' : fmt(value));
const orDash = (value, digits) => (value == null ? '–' : fmt(value, digits));
const httpCells = (row) => [
  row.name,
  row.route,
  String(row.connections),
  fmt(row.rate),
  ms(row.p50),
  ms(row.p99),
  orDash(row.ratio, 3),
  orDash(row.cpuUs),
  orDash(row.cpuRatio, 1),
  row.other,
  row.target,
];

/**
 * Where the machine's CPU time went, per answered request, for the baseline and the claim runs:
 * the server, PostgreSQL's processes, the load generator (autocannon, in the bench's process), and
 * the rest of the machine (the kernel's own threads, other work); and how busy the cores were.
 */
const CPU_HEADER = ['Run', 'Conns', 'Per second', 'Server µs', 'PostgreSQL µs', 'Load generator µs', 'Rest µs', 'Machine µs', 'Cores busy'];
const CPU_ALIGN = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
function cpuRows(data) {
  const row = (name, connections, run, postgres) => {
    const known = [run.cpuUs, postgres ? run.postgresUs : 0, run.loadUs];
    const rest = run.machineUs != null && known.every((v) => v != null) ? Math.max(0, run.machineUs - known.reduce((a, b) => a + b, 0)) : null;
    return [name, String(connections), fmt(run.rate), orDash(run.cpuUs), postgres ? orDash(run.postgresUs) : '–', orDash(run.loadUs), orDash(rest), orDash(run.machineUs), run.busy == null ? '–' : `${fmt(run.busy * 100)}%`];
  };
  const rows = [...data.baseline].map(([connections, base]) => row('baseline: raw node:http hello', connections, base, false));
  for (const outcome of data.stores) {
    for (const run of outcome.runs) if (run.scenario === 'hot' || run.scenario === 'spread') rows.push(row(`${STORE_NAMES[run.store]}: ${run.label}`, run.connections, run, run.store === 'postgres'));
  }
  return rows;
}
const CPU_NOTE =
  'CPU time per answered request over each run, from /proc: the server process; every PostgreSQL process (backends, WAL writer, checkpointer); the load generator (autocannon, in the bench’s own process); the rest (the kernel’s threads, anything else on the machine); all cores together; and the share of the cores busy. A run with its cores near 100% busy is bound by the machine’s CPU: at 10,000 claims/s two cores leave 200 µs a claim for all of it.';

const SPLIT_HEADER = ['Split', 'Total', 'Shares', 'Splits/s', 'µs per split'];
const SPLIT_ALIGN = ['l', 'r', 'r', 'r', 'r'];
const splitCells = (s) => [s.algorithm, `${fmt(s.total)} fen`, fmt(s.count), fmt(s.perSecond), fmt(1e6 / s.perSecond, 1)];

const CEILING_HEADER = ['Run (pgbench, PostgreSQL alone)', 'Clients', 'Claims per statement', 'Claims per commit', 'Per second', 'Latency ms', '÷ SELECT 1'];
const CEILING_ALIGN = ['l', 'r', 'r', 'r', 'r', 'r', 'r'];
function ceilingRows(data) {
  const runs = data.ceilings?.runs ?? [];
  const baseline = runs.find((r) => r.key === 'select1')?.rate;
  return runs.map((r) => [
    r.label,
    fmt(r.clients),
    r.perTx === 0 ? '–' : fmt(r.perStatement),
    r.perTx === 0 ? '–' : fmt(r.perTx),
    `${fmt(r.rate)}${r.perTx === 0 ? ' round trips' : ' claims'}`,
    fmt(r.latency, 1),
    baseline ? fmt(r.rate / baseline, 3) : '–',
  ]);
}
const BARE_HEADER = ['Store', 'Claimers', 'Claims/s', 'Claims per batch', 'Node CPU µs', 'PostgreSQL CPU µs', 'Cores busy', 'Over HTTP, claims/s', 'HTTP ÷ without'];
const BARE_ALIGN = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
/** The claim-without-HTTP runs beside the hot-packet HTTP run at the same connection count, when there is one. */
function bareRows(data) {
  const rows = [];
  for (const outcome of data.withoutHttpRuns ?? []) {
    const http = data.stores.find((o) => o.store === outcome.store)?.runs ?? [];
    for (const r of outcome.runs) {
      const over = http.find((run) => run.scenario === 'hot' && run.connections === r.claimers);
      rows.push([
        STORE_NAMES[outcome.store],
        fmt(r.claimers),
        fmt(r.rate),
        r.perBatch == null ? '–' : fmt(r.perBatch, 1),
        orDash(r.cpuUs),
        outcome.store === 'postgres' ? orDash(r.postgresUs) : '–',
        r.busy == null ? '–' : `${fmt(r.busy * 100)}%`,
        over ? fmt(over.rate) : '–',
        over && r.rate > 0 ? fmt(over.rate / r.rate, 2) : '–',
      ]);
    }
  }
  return rows;
}
/** The claim-without-HTTP section's lines: a table, or why there is none. */
function bareLines(data, tableOf) {
  const runs = data.withoutHttpRuns ?? [];
  if (runs.length === 0) return ['Not run (BENCH_CEILINGS=0).'];
  return [...tableOf(BARE_HEADER, bareRows(data), BARE_ALIGN), ...runs.filter((o) => o.kept).map((o) => `Database kept for inspection: ${o.kept}`)];
}
const BARE_NOTE =
  'The server’s own services (buildApp, not listening) on a fresh database of each store, in a process of their own, with no sockets, no Fastify and no load generator: each claimer looks up its session, claims from a hot packet of 10,000 shares (the per-packet batches, risk screening, ledger, audit and webhook records), serialises the response and waits for the commit (on SQLite its fsync too), in a loop. What the claim path alone does on this machine: the ceiling of an HTTP run at the same count. Node CPU µs: that process’s CPU time a claim. Over HTTP: the hot-packet HTTP run at the same number of connections, in this run.';

/** The ceiling section's lines: a table, or why there is none. */
function ceilingLines(data, tableOf) {
  const c = data.ceilings;
  if (!c) return ['Not run (PostgreSQL not among the stores, or BENCH_CEILINGS=0).'];
  if (c.skipped) return [`Skipped: ${c.skipped}.`];
  if (c.runs.length === 0) return [`Failed: ${c.error?.message ?? 'see stderr'}.`];
  return [...tableOf(CEILING_HEADER, ceilingRows(data), CEILING_ALIGN), ...(c.kept ? [`Database kept for inspection: ${c.kept}`] : [])];
}
const CEILING_NOTE =
  'The claim is the server’s own statement (PacketStore.takeShare) on one hot packet, run by pgbench with no Node and no HTTP; the claim batch is the server’s batch statement (PacketStore.takeShares), 64 claims in one statement. ÷ SELECT 1: against pgbench’s round trips in the same run.';

const CODEC_HEADER = ['Token scheme', 'Tier', 'Chars', 'Encodes/s', 'Decodes/s', 'Signature checks/s'];
const CODEC_ALIGN = ['l', 'l', 'r', 'r', 'r', 'r'];
const codecCells = (c) => [c.scheme, c.tier, String(c.chars), fmt(c.encode), fmt(c.decode), c.verify === null ? '–' : fmt(c.verify)];

function settingsLine(data) {
  const s = data.settings;
  return `${s.seconds} s per run (warm-up ${s.warmup} s), connections ${s.connections.join('/')} (single-point runs at ${s.mainConnections}), ${fmt(s.users)} users`;
}

function storeLines(data) {
  return data.stores.map((o) => {
    const engine = o.engine ? ` ${o.engine}` : '';
    const how = o.store === 'sqlite' ? `WAL, synchronous=${data.settings.sqliteSynchronous}` : `pool of ${data.settings.pgPoolSize} connections`;
    return `${STORE_NAMES[o.store]}${engine} (${how})`;
  });
}

function setupLines(data) {
  return data.stores
    .filter((o) => o.setup)
    .map((o) => {
      const { users, merchants, hotPackets, spreadPackets, collectCodes, blacklist, timings: t } = o.setup;
      const rate = (n, seconds) => (seconds > 0 ? ` (${fmt(n / seconds)}/s)` : '');
      const parts = [
        `${fmt(users)} logins in ${fmt(t.logins ?? 0, 1)} s${rate(users, t.logins)}`,
        `${fmt(collectCodes)} collect codes in ${fmt(t.collectCodes ?? 0, 1)} s${rate(collectCodes, t.collectCodes)}`,
        hotPackets ? `${fmt(hotPackets)} hot packets of ${fmt(users)} shares at ${fmt(((t.hotPackets ?? 0) * 1000) / hotPackets)} ms each` : '',
        spreadPackets ? `${fmt(spreadPackets)} spread packets in ${fmt(t.spreadPackets ?? 0, 1)} s` : '',
        `${fmt(merchants)} enterprise merchants`,
        blacklist ? `${fmt(blacklist)} blacklist entries (none of them the bench's users)` : '',
      ];
      return `${STORE_NAMES[o.store]}: ${parts.filter(Boolean).join(', ')}`;
    });
}

function checkLines(data) {
  const lines = [];
  for (const o of data.stores) {
    const name = STORE_NAMES[o.store];
    const claimed = o.checks.reduce((n, c) => n + c.created, 0);
    const passed = o.checks.filter((c) => c.ok).length;
    lines.push(
      `${name}: ${passed}/${o.checks.length} claim runs (warm-up included) passed the stored-claims vs 201 check and the money invariants; ${fmt(claimed)} claims answered 201, ${fmt(o.claimsStored)} stored in all`,
    );
  }
  for (const o of data.withoutHttpRuns ?? []) {
    lines.push(`${STORE_NAMES[o.store]} without HTTP: ${o.violations.length === 0 ? `${fmt(o.claims ?? 0)} claims answered and as many stored, money invariants intact` : 'FAILED (see the violations below)'}`);
  }
  for (const o of data.stores) {
    for (const run of o.runs) {
      const failed = Object.entries(run.statuses).filter(([status]) => status.startsWith('5'));
      if (failed.length > 0 || run.errors > 0) {
        const what = [...failed.map(([status, count]) => `${status}×${fmt(count)}`), run.errors ? `connection errors×${fmt(run.errors)}` : ''].filter(Boolean).join(', ');
        lines.push(`WARNING: ${STORE_NAMES[o.store]} ${run.label} at ${run.connections} connections: ${what} (see the server log on stderr)`);
      }
    }
  }
  for (const o of data.stores) for (const v of o.violations) lines.push(`VIOLATION: ${v}`);
  for (const v of data.ceilings?.violations ?? []) lines.push(`VIOLATION: ${v}`);
  for (const o of data.withoutHttpRuns ?? []) for (const v of o.violations) lines.push(`VIOLATION: ${v}`);
  for (const o of data.stores) if (o.kept) lines.push(`${STORE_NAMES[o.store]} database kept for inspection: ${o.kept}`);
  return lines;
}

/** The report printed at the end of a run (stdout). */
export function terminalReport(data) {
  const lines = [
    '',
    `Hongbao benchmark: Node ${data.node}, ${data.cpus} CPUs, ${settingsLine(data)}`,
    `Stores: ${storeLines(data).join('; ')}`,
    `Machine load average before the run: ${fmt(data.loadBefore, 2)} (other work on the machine skews every figure; compare the ratios to the baseline)`,
    '',
    'HTTP (per second = responses with the expected status: 201 claims / 201 codes issued / 200 reads; ÷ baseline = against node:http at the same connections;',
    '  server CPU µs = the server process\'s CPU time per such response; CPU × baseline = that against the node:http server\'s)',
    ...table(HTTP_HEADER, httpRows(data).map(httpCells), HTTP_ALIGN),
    '',
    'Where the CPU went (claims; µs per answered request)',
    ...table(CPU_HEADER, cpuRows(data), CPU_ALIGN),
    '',
    'In process: split algorithms (dist/domain/split.js, CSPRNG source)',
    ...table(SPLIT_HEADER, data.splits.map(splitCells), SPLIT_ALIGN),
    '',
    'In process: token codec (dist/codes/token-codec.js)',
    ...table(CODEC_HEADER, data.codecs.map(codecCells), CODEC_ALIGN),
    '',
    `Ceilings: PostgreSQL ${data.ceilings?.engine ?? ''} alone`,
    `  ${CEILING_NOTE}`,
    ...ceilingLines(data, table),
    '',
    'Ceilings: the claim without HTTP',
    `  ${BARE_NOTE}`,
    ...bareLines(data, table),
    '',
    'Targets',
    ...headlines(data).map((h) => `  ${h.text}`),
    '',
    'Setup over the API (not measured runs; a rough idea of what these operations cost)',
    ...setupLines(data).map((l) => `  ${l}`),
    '',
    'Checks',
    ...checkLines(data).map((l) => `  ${l}`),
    '',
    `Wrote ${data.files.join(' and ')}`,
    `Total run time: ${duration(data.totalSeconds)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export const duration = (seconds) => (seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${fmt(seconds, 1)} s`);

/** results/summary.md. */
export function markdownSummary(data) {
  const lines = [
    '# Hongbao benchmark',
    '',
    `Run ${data.finishedAt.toISOString()} by \`pnpm bench\` (packages/server/bench/claims.mjs); total run time ${duration(data.totalSeconds)}.`,
    '',
    `- Machine: Node ${data.node}, ${data.cpus} CPUs, load average ${fmt(data.loadBefore, 2)} before the run. Figures from a shared machine are orders of magnitude; compare the ratios to the baseline.`,
    `- Settings: ${settingsLine(data)}.`,
    `- Stores: ${storeLines(data).join('; ')}.`,
    '- Hot packet: every connection claims from one packet of 10,000 shares, each request a different user, until the packet is empty, then the next. Spread: consecutive requests claim from different packets (1,000 shares each). Every claim request is a distinct (user, packet) pair.',
    '',
    '## Targets',
    '',
    ...headlines(data).map((h) => `- ${h.text.replace(/: MISSED$/, ': **MISSED**')}`),
    '',
    '## Throughput against connections',
    '',
    '![Throughput against connections](throughput.svg)',
    '',
    '## HTTP',
    '',
    'Per second counts responses with the expected status (201 for claims and issued codes, 200 for reads, refreshes and resolves). ÷ baseline: against the raw `node:http` hello server at the same connection count, in the same run. Server CPU µs: the server process\'s CPU time (user and system) over the run, per such response; it counts what a request costs rather than how long it waited for a core, so it moves less than throughput on a shared machine. CPU × baseline: that against the `node:http` server\'s at the same connections.',
    '',
    ...markdownTable(HTTP_HEADER, httpRows(data).map(httpCells), HTTP_ALIGN),
    '',
    '## Where the CPU went',
    '',
    CPU_NOTE,
    '',
    ...markdownTable(CPU_HEADER, cpuRows(data), CPU_ALIGN),
    '',
    '## In process',
    '',
    'Split algorithms (`dist/domain/split.js`, the production CSPRNG source):',
    '',
    ...markdownTable(SPLIT_HEADER, data.splits.map(splitCells), SPLIT_ALIGN),
    '',
    'Token codec (`dist/codes/token-codec.js`):',
    '',
    ...markdownTable(CODEC_HEADER, data.codecs.map(codecCells), CODEC_ALIGN),
    '',
    '## Ceilings: PostgreSQL alone',
    '',
    CEILING_NOTE,
    '',
    ...ceilingLines(data, markdownTable),
    '',
    '## Ceilings: the claim without HTTP',
    '',
    BARE_NOTE,
    '',
    ...bareLines(data, markdownTable),
    '',
    '## Setup',
    '',
    'Done over the public API before the measured runs (concurrent, not tuned; a rough idea of what these operations cost):',
    '',
    ...setupLines(data).map((l) => `- ${l}`),
    '',
    '## Checks',
    '',
    'After each claim run the bench counts the stored claims against the 201 responses and checks the money invariants (`dist/testing/invariants.js`) on the database; once more after each server shuts down. A violation fails the bench.',
    '',
    ...checkLines(data).map((l) => `- ${l}`),
    '',
  ];
  return lines.join('\n');
}

const escapeXml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at or above `value`. */
function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const compact = (n) => (n >= 1000 ? `${fmt(n / 1000, n % 1000 === 0 ? 0 : 1)}k` : fmt(n));

/**
 * results/throughput.svg: a line chart of requests (claims) per second against connections, one
 * line per series (`{ name, color, points: [[connections, perSecond]] }`) and a dashed line per guide
 * (`{ value, color, label }`). Self-contained: no fonts, scripts or images from outside. The y axis
 * turns logarithmic when the values span an order of magnitude or more.
 */
export function throughputSvg({ series, guides = [] }, { title = 'Throughput against connections', subtitle = '' } = {}) {
  const width = 880;
  const height = 460;
  const margin = { top: 64, right: 290, bottom: 56, left: 76 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const xMax = niceCeiling(Math.max(...xs, 1));
  const values = [...series.flatMap((s) => s.points.map(([, v]) => v)), ...guides.map((g) => g.value)].filter((v) => v > 0);
  const high = Math.max(...values, 1);
  const low = Math.min(...values, high);
  // Throughputs an order of magnitude apart share one chart on a log scale, where equal ratios look equal.
  const log = high / low >= 10;
  let y;
  let ticks;
  if (log) {
    const from = 10 ** Math.floor(Math.log10(low));
    const to = 10 ** Math.ceil(Math.log10(high));
    const scale = (value) => (Math.log10(Math.max(value, from)) - Math.log10(from)) / (Math.log10(to) - Math.log10(from));
    y = (value) => margin.top + plotH - scale(value) * plotH;
    ticks = [];
    for (let decade = from; decade < to; decade *= 10) ticks.push(decade, 2 * decade, 5 * decade);
    ticks.push(to);
  } else {
    const yMax = niceCeiling(high * 1.05);
    y = (value) => margin.top + plotH - (value / yMax) * plotH;
    ticks = Array.from({ length: 6 }, (_, i) => (yMax / 5) * i);
  }
  const x = (value) => margin.left + (value / xMax) * plotW;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${margin.left}" y="26" font-size="16" font-weight="bold" fill="#222">${escapeXml(title)}</text>`);
  if (subtitle) out.push(`<text x="${margin.left}" y="44" fill="#666">${escapeXml(subtitle)}</text>`);
  // Grid and y ticks.
  ticks.forEach((value, i) => {
    out.push(`<line x1="${margin.left}" y1="${y(value).toFixed(1)}" x2="${margin.left + plotW}" y2="${y(value).toFixed(1)}" stroke="${i === 0 ? '#444' : '#e3e3e3'}"/>`);
    out.push(`<text x="${margin.left - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" fill="#444">${compact(value)}</text>`);
  });
  // x axis and ticks at the measured connection counts.
  out.push(`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#444"/>`);
  for (const value of xs) {
    out.push(`<line x1="${x(value).toFixed(1)}" y1="${margin.top + plotH}" x2="${x(value).toFixed(1)}" y2="${margin.top + plotH + 5}" stroke="#444"/>`);
    out.push(`<text x="${x(value).toFixed(1)}" y="${margin.top + plotH + 19}" text-anchor="middle" fill="#444">${value}</text>`);
  }
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle" fill="#222">Concurrent connections</text>`);
  out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">Requests (claims) per second${log ? ', log scale' : ''}</text>`);
  // Target lines, dashed.
  for (const guide of guides) {
    out.push(`<line x1="${margin.left}" y1="${y(guide.value).toFixed(1)}" x2="${margin.left + plotW}" y2="${y(guide.value).toFixed(1)}" stroke="${guide.color}" stroke-width="1.2" stroke-dasharray="6 4"/>`);
  }
  // Series.
  for (const s of series) {
    const points = [...s.points].sort((a, b) => a[0] - b[0]);
    if (points.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ')}"/>`);
    for (const [px, py] of points) {
      out.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="4" fill="${s.color}"><title>${escapeXml(`${s.name}: ${fmt(py)}/s at ${px} connections`)}</title></circle>`);
      // Labels sit right of their point, except at the right edge, where the legend begins.
      const last = px === xs[xs.length - 1];
      out.push(`<text x="${(x(px) + (last ? -6 : 6)).toFixed(1)}" y="${(y(py) - 7).toFixed(1)}" text-anchor="${last ? 'end' : 'start'}" fill="${s.color}" font-size="11">${compact(Math.round(py))}</text>`);
    }
  }
  // Legend.
  const legendX = margin.left + plotW + 24;
  series.forEach((s, i) => {
    const ly = margin.top + 10 + i * 24;
    out.push(`<line x1="${legendX}" y1="${ly}" x2="${legendX + 26}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"/>`);
    out.push(`<circle cx="${legendX + 13}" cy="${ly}" r="4" fill="${s.color}"/>`);
    out.push(`<text x="${legendX + 34}" y="${ly + 4}" fill="#222">${escapeXml(s.name)}</text>`);
  });
  guides.forEach((guide, i) => {
    const ly = margin.top + 10 + (series.length + i) * 24;
    out.push(`<line x1="${legendX}" y1="${ly}" x2="${legendX + 26}" y2="${ly}" stroke="${guide.color}" stroke-width="1.2" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${legendX + 34}" y="${ly + 4}" fill="#222">${escapeXml(guide.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The chart's series: the baseline and each store's hot-packet claims, with the claim targets as dashed lines. */
export function chartSeries(data) {
  const series = [{ name: 'node:http hello (baseline)', color: '#7f7f7f', points: [...data.baseline].map(([c, b]) => [c, b.rate]) }];
  const colors = { sqlite: '#1f77b4', postgres: '#d62728' };
  const guides = [];
  for (const outcome of data.stores) {
    const name = STORE_NAMES[outcome.store];
    const hot = outcome.runs.filter((r) => r.scenario === 'hot').map((r) => [r.connections, r.rate]);
    if (hot.length === 0) continue;
    series.push({ name: `${name} claims, hot packet`, color: colors[outcome.store], points: hot });
    const target = TARGETS[outcome.store].claimsPerSecond;
    guides.push({ value: target, color: colors[outcome.store], label: `${name} target (${fmt(target)} claims/s)` });
  }
  return { series, guides };
}
