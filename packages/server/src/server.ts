import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import type { Clock } from './clock';
import type { Config } from './config';
import type { RandomSource } from './domain/random';
import { resolveH5Dir } from './routes/web';
import { SqliteDatabase } from './store/database';
import type { Database } from './store/sql';

/**
 * Socket timeouts. Load balancers commonly drop idle connections after 60 s, so keep-alive outlives
 * that (otherwise the balancer reuses a socket the server just closed and the client sees a 502).
 * Headers must arrive within the keep-alive window's end, and a whole request, long-polls of up to
 * 30 s included, within the request timeout.
 */
export const SERVER_TIMEOUTS = {
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 70_000,
} as const;

export interface StartOptions {
  clock?: Clock;
  rng?: RandomSource;
  /** Where the startup and shutdown lines go; stdout by default. */
  print?: (line: string) => void;
  /**
   * Shut down gracefully on SIGINT/SIGTERM and exit once drained; a second signal exits at once.
   * Defaults to true; embedders and tests that call `close()` themselves turn it off.
   */
  handleSignals?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  /** The base URL the server answers on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stops the sweeper, drains in-flight requests and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** A URL a person on this machine can open: wildcard hosts become loopback, IPv6 gets brackets. */
export function listeningUrl(host: string, address: AddressInfo): string {
  const shown = WILDCARD_HOSTS.has(host) ? (address.family === 'IPv6' ? '::1' : '127.0.0.1') : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
}

/**
 * Builds the app, listens on `config.host:config.port` (0 picks a free port) and starts the
 * background workers: the refund sweeper, webhook delivery, unfinished batches and the daily settlement.
 */
export async function startServer(input: Config, options: StartOptions = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // A copy, because the listening address fills in a missing public URL and the caller's object stays theirs.
  const config: Config = { ...input };
  const app = await buildApp({ config, clock: options.clock, rng: options.rng });
  // A long-running server on SQLite checkpoints the WAL on a background thread, off the request path.
  const database = app.hongbao.ctx.db;
  if (database instanceof SqliteDatabase) database.startBackgroundCheckpoints(1000, (message) => app.log.warn({ message }, 'WAL checkpoint failed'));
  app.server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeoutMs;
  app.server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
  app.server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const url = listeningUrl(config.host, app.server.address() as AddressInfo);
  config.publicUrl ??= url;

  const { sweeper, claims } = app.hongbao.services;
  claims.onBatchFailure = (error, count) => app.log.warn({ err: error, claims: count }, 'claim batch failed as a whole; its claims ran one by one');
  if (config.sweepIntervalMs > 0) sweeper.start(config.sweepIntervalMs, (error) => app.log.error({ err: error }, 'refund sweep failed'));
  const { webhookDispatcher, batchRunner, settlementScheduler } = app.hongbao.services;
  if (config.webhookPollMs > 0) webhookDispatcher.start(config.webhookPollMs, (error) => app.log.error({ err: error }, 'webhook delivery failed'));
  // Batches left unfinished by a previous run (a restart, a crash) carry on where they stopped.
  batchRunner.kick((error) => app.log.error({ err: error }, 'batch run failed'));
  if (config.settlementSchedule) settlementScheduler.start((error) => app.log.error({ err: error }, 'settlement run failed'));

  let closing: Promise<void> | null = null;
  const detachSignals = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await sweeper.stop(); // a sweep in progress finishes before the database closes
        await app.close();
      } finally {
        detachSignals();
      }
    })();
    return closing;
  };

  // While draining, the handlers stay installed so that a second signal forces the exit.
  function onSignal(signal: NodeJS.Signals): void {
    if (closing) {
      print(`${signal} again: exiting without waiting for open requests.`);
      process.exit(1);
    }
    print(`${signal}: finishing open requests before exiting (press Ctrl-C again to force)…`);
    close().then(
      () => {
        print('Hongbao stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        print(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  }
  if (options.handleSignals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  for (const line of startupLines(config, url, database)) print(line);
  return { app, url, close };
}

function startupLines(config: Config, url: string, database: Database): string[] {
  const store = database.dialect === 'postgres' ? `PostgreSQL ${database.location}` : `SQLite ${database.location}`;
  const lines = [`Hongbao listening on ${url} (${config.mode}, ${store})`];
  if (config.mode !== 'development') return lines;
  const h5 = resolveH5Dir(config.h5Dir);
  lines.push(
    h5 ? `  Mini-program (H5): ${url}/` : `  API docs: ${url}/v1/openapi.json (the H5 mini-program is served at / once packages/miniapp is built)`,
    `  Try the dev login: curl -s ${url}/v1/sessions -H 'content-type: application/json' -d '{"provider":"dev","openid":"alice"}'`,
    `  Merchant credentials: curl -s ${url}/v1/dev/merchants -H 'content-type: application/json' -d '{"tier":"enterprise","name":"Demo"}'`,
  );
  if (config.publicUrl === url && /\/\/(127\.|localhost|\[::1\])/.test(url)) {
    lines.push('  QR codes point at this loopback address; pass --public-url so phones can open them.');
  }
  return lines;
}
