import { ERRORS, isErrorCode } from '@hongbao/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import { describe, fieldOf } from './validation';

function send(reply: FastifyReply, request: FastifyRequest, status: number, error: Record<string, unknown>) {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { ...error, requestId: request.id } });
}

/**
 * The one error handler: every failure is answered with the protocol's error body. Known
 * failures keep their code and message; anything unexpected is logged with the request's context
 * and answered as INTERNAL without details.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === 'RATE_LIMITED' && typeof error.details.retryAfter === 'number') reply.header('Retry-After', String(error.details.retryAfter));
      return send(reply, request, error.status, { code: error.code, message: error.message, ...error.details });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation && fastifyError.validation.length > 0) {
      const first = fastifyError.validation[0];
      const part = (fastifyError as { validationContext?: string }).validationContext;
      const field = fieldOf(first as never, part);
      return send(reply, request, 400, { code: 'VALIDATION_FAILED', message: describe(first as never, field), field });
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, request, 413, { code: 'PAYLOAD_TOO_LARGE', message: ERRORS.PAYLOAD_TOO_LARGE.en });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, request, 415, { code: 'VALIDATION_FAILED', message: 'Send JSON with Content-Type: application/json.', field: 'Content-Type' });
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(reply, request, 400, { code: 'VALIDATION_FAILED', message: 'Content-Length does not match the body.', field: 'Content-Length' });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return send(reply, request, status, { code: isErrorCode(fastifyError.code) ? fastifyError.code : 'VALIDATION_FAILED', message: fastifyError.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, 500, { code: 'INTERNAL', message: ERRORS.INTERNAL.en });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, 404, { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.` }),
  );
}
