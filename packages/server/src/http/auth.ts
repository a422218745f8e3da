import { TIER_POLICIES } from '@hongbao/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../errors';
import type { Actor } from '../services/context';
import type { AuthService } from '../services/auth';

/**
 * Who may call a route, declared in its config. `public`: anyone. `session`: a logged-in user
 * (mini-program session) or a merchant app. Merchant apps also need the tier's API access:
 * `basic` routes for enterprise and provider, `full` routes for providers only.
 */
export type RouteAuth = 'public' | 'session';
export type RouteApi = 'basic' | 'full';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    api?: RouteApi;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The authenticated caller of a route that requires one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) fail('UNAUTHENTICATED');
  return request.actor!;
}

export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('actor', null);
  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config;
    if (!config || config.auth === 'public' || request.is404) return;
    const header = request.headers.authorization;
    if (!header) fail('UNAUTHENTICATED', 'Send Authorization: Bearer <session token> or an HB-HMAC-SHA256 signature.');
    if (header!.startsWith('Bearer ')) {
      request.actor = await auth.authenticateSession(header!.slice(7).trim());
    } else if (header!.startsWith('HB-HMAC-SHA256 ')) {
      request.actor = await auth.authenticateSignature({ method: request.method, target: request.url, rawBody: request.rawBody, authorization: header! });
      const access = TIER_POLICIES[request.actor.account.tier].apiAccess;
      const needed = config.api ?? 'basic';
      if (access === 'none' || (needed === 'full' && access !== 'full')) {
        fail('TIER_API_FORBIDDEN', `The ${request.actor.account.tier} tier has ${access === 'none' ? 'no' : access} API access; this route needs the ${needed} API.`);
      }
    } else {
      fail('UNAUTHENTICATED', 'Unsupported Authorization scheme; use Bearer or HB-HMAC-SHA256.');
    }
  });
}
