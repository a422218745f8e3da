import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app';
import type { Clock } from '../../src/clock';
import { DEFAULT_CONFIG } from '../../src/config';
import { seededRandom } from '../../src/domain/random';
import { assertInvariants } from '../../src/testing/invariants';
import type { TestApp } from '../../src/testing/harness';

export interface ReceivedRequest {
  rawBody: string;
  headers: IncomingHttpHeaders;
}

/**
 * A real HTTP webhook receiver on an ephemeral port. `answer(n, request)` decides the status of
 * the n-th request (from 0); 200 by default.
 */
export async function startReceiver(answer: (n: number, request: ReceivedRequest) => number = () => 200) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { rawBody: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      received.push(request);
      res.statusCode = answer(received.length - 1, request);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Simulates a restart: closes the test app without finishing anything in flight, and opens a new
 * app (a new "process") on the same database file and clock. `close()` of the result removes the
 * temporary folder.
 */
export async function restart(t: TestApp, clock: Clock) {
  await t.app.close();
  await t.database.close();
  const database = t.reopen();
  const app = await buildApp({ config: { ...DEFAULT_CONFIG, db: t.db, logLevel: 'silent', sweepIntervalMs: 0 }, clock, rng: seededRandom('restart'), database });
  return {
    app,
    database,
    services: app.hongbao.services,
    checkInvariants: () => assertInvariants(database),
    async close() {
      await app.close();
      await database.close();
      await t.discard();
    },
  };
}
