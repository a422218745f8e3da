import type { FastifyInstance } from 'fastify';
import { fail } from '../errors';
import type { AccountRow } from '../store/accounts';

export type Role = AccountRow['role'];

/** Every role (SPEC section 6). */
export const ALL_ROLES: readonly Role[] = ['user', 'merchant', 'support', 'auditor', 'admin'];
/**
 * Who may call an authenticated route that declares no roles: the customers who own money and
 * resources. Staff accounts (support, auditor, admin) act only through the routes made for them,
 * so a staff login can never move money or touch a customer's packets.
 */
export const CUSTOMER_ROLES: readonly Role[] = ['user', 'merchant'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; customers (user, merchant) when not set. Public routes ignore it. */
    roles?: readonly Role[];
  }
}

/**
 * The one role check, after authentication: a route's `config.roles` says who may call it.
 * Ownership of the resource itself is checked by the service (FORBIDDEN for someone else's).
 */
export function registerRoleChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config;
    if (!config || config.auth === 'public' || request.is404 || !request.actor) return;
    const allowed = config.roles ?? CUSTOMER_ROLES;
    const role = request.actor.account.role;
    if (!allowed.includes(role)) fail('FORBIDDEN', `This route is for ${allowed.join(', ')}; your role is ${role}.`);
  });
}
