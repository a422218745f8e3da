// The Hongbao server under test, in a process of its own so that it gets a core to itself.
import { DEFAULT_CONFIG } from '../dist/config.js';
import { startServer } from '../dist/server.js';

const server = await startServer(
  { ...DEFAULT_CONFIG, host: '127.0.0.1', port: 0, db: process.env.BENCH_DB, mode: 'development', logLevel: 'silent', h5Dir: null },
  { print: () => {} }, // SIGTERM from the bench drains, closes the database and exits
);
process.send({ url: server.url });
// If the bench dies, do not linger.
process.on('disconnect', () => server.close().then(() => process.exit(0)));
