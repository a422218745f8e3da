import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { Config } from './config';
import type { RandomSource } from './domain/random';
import { registerAuth } from './http/auth';
import { registerJsonBody } from './http/body';
import { registerErrorHandling } from './http/errors';
import { registerRateLimits } from './http/rate-limit';
import { registerRoleChecks } from './http/roles';
import { validatorCompiler } from './http/validation';
import { registerRoutes } from './routes';
import { createServices, type Services } from './services';
import { createContext, type ServiceContext } from './services/context';
import { openDatabase, shareBus } from './store/open';
import type { Database } from './store/sql';

export interface AppOptions {
  config: Config;
  /** Injected time source; tests move it by hand. */
  clock?: Clock;
  /** Injected randomness for splits and salts; tests seed it. */
  rng?: RandomSource;
  /** An already open database (tests share one between app and assertions). */
  database?: Database;
}

declare module 'fastify' {
  interface FastifyInstance {
    hongbao: { ctx: ServiceContext; services: Services };
  }
}

/**
 * Builds the Hongbao API as a Fastify instance without listening, so tests can `inject` into it
 * and `server.ts` can listen. Closing the app closes the database it opened.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const database: Database = options.database ?? openDatabase(config);
  await database.migrate();
  const ctx = createContext({ database, config, clock: options.clock, rng: options.rng });
  const services = createServices(ctx);
  await services.keys.ensureKeys();
  // Audit entries an instance that died left unchained (PostgreSQL).
  await services.audit.settle(true);

  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    genReqId: () => `req_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    requestIdHeader: false,
    trustProxy: false,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.decorate('hongbao', { ctx, services });
  // Many instances on one PostgreSQL database: long-polls wake on changes made by any of them.
  const stopSharing = await shareBus(ctx.bus, database, (error) => app.log.warn({ err: error }, 'change notifications between instances'));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Group commit: answer only once this request's writes are committed. (On PostgreSQL its audit
    // entries are committed with them, as pending entries; the chainer links them right after, and
    // every reader of the trail links what is left first: see AuditLog.settle.)
    await database.flush();
  });
  registerJsonBody(app);
  registerErrorHandling(app);
  registerAuth(app, services.auth);
  registerRoleChecks(app);
  registerRateLimits(app, config.rateLimit, ctx.clock);
  await registerRoutes(app, services, ctx);
  app.addHook('onClose', async () => {
    // Background work (batch runs, webhook delivery) finishes its step before the database closes.
    await services.batchRunner.stop();
    await services.webhookDispatcher.stop();
    await services.settlementScheduler.stop();
    await stopSharing();
    // The entries this instance committed are linked into the chain before it goes (PostgreSQL).
    await services.audit.settle().catch((error: unknown) => app.log.warn({ err: error }, 'audit chaining at shutdown'));
    if (!options.database) await database.close();
  });
  return app;
}
