// The Hongbao server under test, in a process of its own so that it gets a core to itself.
import { DEFAULT_CONFIG } from '../dist/config.js';
import { startServer } from '../dist/server.js';

// Per-IP limits off: the bench plays 10,000 users who would each have an address of their own,
// from one address. Per-user limits stay on; no bench user comes near them.
const rateLimit = { ...DEFAULT_CONFIG.rateLimit, perIp: 0, loginPerIp: 0 };
const server = await startServer(
  { ...DEFAULT_CONFIG, host: '127.0.0.1', port: 0, db: process.env.BENCH_DB, mode: 'development', logLevel: 'silent', h5Dir: null, rateLimit },
  { print: () => {} }, // SIGTERM from the bench drains, closes the database and exits
);
process.send({ url: server.url });
// If the bench dies, do not linger.
process.on('disconnect', () => server.close().then(() => process.exit(0)));
