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
import { SqliteDatabase } from './store';

export interface AppOptions {
  config: Config;
  /** Injected time source; tests move it by hand. */
  clock?: Clock;
  /** Injected randomness for splits and salts; tests seed it. */
  rng?: RandomSource;
  /** An already open database (tests share one between app and assertions). */
  database?: SqliteDatabase;
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
  const database = options.database ?? new SqliteDatabase(config.db, { synchronous: config.sqliteSynchronous });
  database.migrate();
  const ctx = createContext({ database, config, clock: options.clock, rng: options.rng });
  const services = createServices(ctx);
  services.keys.ensureKeys();

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
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Group commit: answer only once this request's writes are committed.
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
    services.settlementScheduler.stop();
    if (!options.database) await database.closeAsync();
  });
  return app;
}
