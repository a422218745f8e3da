import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { actorOf } from '../http/auth';
import type { Services } from '../services';
import type { ServiceContext } from '../services/context';
import type { TxOptions } from '../store/sql';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export type RouteModule = (app: App, services: Services, ctx: ServiceContext) => void | Promise<void>;

/** JSON with sorted keys, so the same body always fingerprints the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Runs a POST's operation under its `Idempotency-Key` (when sent) and answers with the first
 * result for a repeat. The fingerprint is the route and the validated body.
 */
export async function idempotent<T>(services: Services, request: FastifyRequest, reply: FastifyReply, statusCode: number, operation: () => Promise<T>, options?: TxOptions) {
  const actor = actorOf(request);
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const fingerprint = `${request.method} ${request.url}\n${stableJson(request.body)}`;
  const result = await services.idempotency.run(actor.account.id, key, fingerprint, statusCode, operation, options);
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(result.statusCode).send(result.body);
}

/** The error responses every authenticated route may give, for the OpenAPI document. */
export { ErrorBody } from '@hongbao/protocol';
