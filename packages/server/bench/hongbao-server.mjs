// The Hongbao server under test, in a process of its own so that it gets a core to itself.
// BENCH_DB: a SQLite file path or a postgres:// URL (the database must exist; it is migrated here).
// BENCH_SQLITE_SYNCHRONOUS: FULL (the default: fsync-durable commits) or NORMAL. BENCH_PG_POOL:
// connections to PostgreSQL (the server's default when unset). BENCH_LOG_LEVEL: the server's log
// level (error: unexpected failures show up on the bench's stderr).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../dist/config.js';
import { startServer } from '../dist/server.js';

// Per-IP limits off: the bench plays 10,000 users who would each have an address of their own,
// from one address. Per-user and per-app limits stay on; the bench spreads its work so that no
// user or merchant comes near them.
const rateLimit = { ...DEFAULT_CONFIG.rateLimit, perIp: 0, loginPerIp: 0 };
const server = await startServer(
  {
    ...DEFAULT_CONFIG,
    host: '127.0.0.1',
    port: 0,
    db: process.env.BENCH_DB,
    sqliteSynchronous: process.env.BENCH_SQLITE_SYNCHRONOUS || DEFAULT_CONFIG.sqliteSynchronous,
    pgPoolSize: Number(process.env.BENCH_PG_POOL) || DEFAULT_CONFIG.pgPoolSize,
    mode: 'development',
    logLevel: process.env.BENCH_LOG_LEVEL || 'error',
    h5Dir: null,
    rateLimit,
  },
  { print: () => {} }, // SIGTERM from the bench drains, closes the database and exits
);
process.send({ url: server.url });
// The bench asks for this process's CPU time around each run (lib.mjs, measured) and, with
// BENCH_CPU_PROF=<dir>, for a V8 CPU profile of the run alone (setup and checks left out).
let profiler = null;
process.on('message', async (message) => {
  if (message === 'cpu') return process.send({ cpu: process.cpuUsage() });
  // The database's and the claim batcher's counters: transactions per commit, claims per batch.
  if (message === 'stats') return process.send({ stats: { db: { ...server.app.hongbao.ctx.db.stats }, claims: { ...server.app.hongbao.services.claims.stats } } });
  if (message?.profile === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    return process.send({ profiling: true });
  }
  if (message?.profile === 'stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = null;
    writeFileSync(join(process.env.BENCH_CPU_PROF, `${message.name}.cpuprofile`), JSON.stringify(profile));
    return process.send({ profiling: false });
  }
});
// If the bench dies, do not linger.
process.on('disconnect', () => server.close().then(() => process.exit(0)));
