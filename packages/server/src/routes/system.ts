import { PublicKeys } from '@hongbao/protocol';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { RouteModule } from './types';

/** Health, Prometheus metrics, the OpenAPI document and the published code-signing keys. */
const system: RouteModule = (app, services, ctx) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'hongbao_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'hongbao_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // The store's own counters, read when scraped.
  const fromStore = (name: string, help: string, read: () => number) => {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const value = read();
        this.inc(value - reported);
        reported = value;
      },
    });
  };
  fromStore('hongbao_db_transactions_total', 'Transactions committed', () => ctx.db.stats.transactions);
  fromStore('hongbao_db_commits_total', 'COMMITs run (group commit: one for many transactions on SQLite)', () => ctx.db.stats.commits);
  fromStore('hongbao_db_retries_total', 'Transactions run again after losing a race (PostgreSQL)', () => ctx.db.stats.retries);
  // prom-client's default metrics keep the registry reachable for good (a GC observer, an event-loop
  // monitor); emptying it lets a closed app, and everything its counters read, be collected.
  app.addHook('onClose', async () => registry.clear());
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
    await ctx.db.get('SELECT 1 AS ok');
    return { status: 'ok' };
  });

  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );

  app.get('/v1/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/v1/keys',
    { config: { auth: 'public' }, schema: { tags: ['codes'], summary: 'Public keys that verify provider code tokens offline', response: { 200: PublicKeys } } },
    async () => ({ keys: await services.keys.publicKeys() }),
  );
};

export default system;
