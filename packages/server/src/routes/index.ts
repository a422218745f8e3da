import swagger from '@fastify/swagger';
import adminRoutes from './admin';
import audit from './audit';
import batches from './batches';
import claims from './claims';
import codes from './codes';
import dev from './dev';
import packets from './packets';
import payments from './payments';
import sessions from './sessions';
import settlements from './settlements';
import stats from './stats';
import system from './system';
import type { App, RouteModule } from './types';
import wallet from './wallet';
import web from './web';
import webhooks from './webhooks';
import type { Services } from '../services';
import type { ServiceContext } from '../services/context';

const MODULES: RouteModule[] = [sessions, wallet, packets, codes, claims, payments, dev, system, web, webhooks, settlements, batches, stats, adminRoutes, audit];

export async function registerRoutes(app: App, services: Services, ctx: ServiceContext): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Hongbao API', version: '1', description: 'Red packets, dynamic red-packet codes, claims and payments. Money is integer fen.' },
      components: {
        securitySchemes: {
          session: { type: 'http', scheme: 'bearer', description: 'A session token from POST /v1/sessions' },
          merchant: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'HB-HMAC-SHA256 appId="…",timestamp="…",nonce="…",signature="…"' },
        },
      },
      security: [{ session: [] }, { merchant: [] }],
    },
  });
  // Public routes need no credentials: say so in the OpenAPI document too.
  app.addHook('onRoute', (route) => {
    if (route.config?.auth === 'public' && route.schema) route.schema = { ...route.schema, security: [] };
  });
  for (const module of MODULES) await module(app, services, ctx);
}
