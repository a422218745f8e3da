import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact body bytes received, as text: what signatures and idempotency fingerprints cover. */
    rawBody: string;
  }
}

/** Parses JSON bodies while keeping the raw text. An empty body counts as `{}`. */
export function registerJsonBody(app: FastifyInstance): void {
  app.decorateRequest('rawBody', '');
  // The API speaks JSON only; any other media type is answered 415 rather than half-parsed.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError('VALIDATION_FAILED', 'The body is not valid JSON.', { field: 'body' }), undefined);
    }
  });
  // POSTs without a body (e.g. refresh) need no Content-Type; give the schema an empty object.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'DELETE')) request.body = {};
  });
}
