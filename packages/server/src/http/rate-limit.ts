import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock';
import type { RateLimitConfig } from '../config';
import { fail } from '../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `login`: also counts against the per-IP login limit. */
    rateLimit?: 'login';
  }
}

/** How many keys a limiter holds before it drops the ones whose window has passed. */
const PRUNE_AT = 100_000;

/**
 * Fixed-window request counters per key, in memory (one process; each instance behind a load
 * balancer counts its own share). Time comes from the injected clock, so tests move it.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  /** Counts one request for `key`; returns the seconds to wait when it is over `limit`, else 0. */
  hit(key: string, limit: number): number {
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size >= PRUNE_AT) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    return window.count > limit ? Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)) : 0;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}

/**
 * Abuse limits (SPEC section 11): per IP address before anything else (logins also against their
 * own, lower limit), then per user and per merchant app once the caller is known. Over a limit the
 * answer is RATE_LIMITED with `Retry-After`. A limit of 0 is off.
 */
export function registerRateLimits(app: FastifyInstance, config: RateLimitConfig, clock: Clock): void {
  const counter = new WindowCounter(clock, config.windowSeconds * 1000);
  const check = (key: string, limit: number, who: string) => {
    if (limit <= 0) return;
    const retryAfter = counter.hit(key, limit);
    if (retryAfter > 0) fail('RATE_LIMITED', `More than ${limit} requests ${who} in ${config.windowSeconds} s; retry in ${retryAfter} s.`, { retryAfter });
  };
  app.addHook('onRequest', async (request: FastifyRequest) => {
    check(`ip:${request.ip}`, config.perIp, 'from this address');
    if (request.routeOptions.config?.rateLimit === 'login') check(`login:${request.ip}`, config.loginPerIp, 'to log in from this address');
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const actor = request.actor;
    if (!actor) return;
    if (actor.via === 'app') check(`app:${actor.appId}`, config.perApp, 'by this app');
    else check(`user:${actor.account.id}`, config.perUser, 'by this user');
  });
}
