import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the client goes away, so a long-poll stops waiting for nobody. The
 * response's `close` fires on a dropped connection (and harmlessly once the answer is sent).
 */
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}
