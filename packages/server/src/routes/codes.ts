import {
  CodeResponse,
  CreateCollectCodeBody,
  EmptyBody,
  ErrorBody,
  IdParams,
  IssueClaimCodeBody,
  LongPollQuery,
  ResolveQuery,
  ResolveResponse,
} from '@hongbao/protocol';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../http/auth';
import type { ServiceContext } from '../services/context';
import { disconnectSignal } from './long-poll';
import { idempotent, type RouteModule } from './types';

/** Where code URLs point: the configured public URL, else the origin this request came in on. */
const publicBaseOf = (ctx: ServiceContext, request: FastifyRequest) => ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 410: ErrorBody, 423: ErrorBody };

/** Dynamic codes: claim codes for packets, collect codes, refresh, revoke, unfreeze and resolve. */
const codes: RouteModule = (app, services, ctx) => {
  app.post(
    '/v1/packets/:id/codes',
    {
      schema: {
        tags: ['codes'],
        summary: 'Issue a claim code for a packet (sender only)',
        params: IdParams,
        body: IssueClaimCodeBody,
        response: { 201: CodeResponse, ...errors },
      },
    },
    async (request, reply) =>
      idempotent(services, request, reply, 201, async () => ({
        code: await services.codes.issueClaimCode(actorOf(request), request.params.id, request.body, publicBaseOf(ctx, request)),
      })),
  );

  app.post(
    '/v1/collect-codes',
    { schema: { tags: ['codes'], summary: 'Create a collect code for the caller', body: CreateCollectCodeBody, response: { 201: CodeResponse, ...errors } } },
    async (request, reply) =>
      idempotent(services, request, reply, 201, async () => ({
        code: await services.codes.createCollectCode(actorOf(request), request.body, publicBaseOf(ctx, request)),
      })),
  );

  app.get(
    '/v1/collect-codes/:id',
    {
      schema: {
        tags: ['codes'],
        summary: 'The caller’s collect code with a fresh token (`?wait=&version=` long-poll)',
        params: IdParams,
        querystring: LongPollQuery,
        response: { 200: CodeResponse, ...errors },
      },
    },
    async (request, reply) => ({
      code: await services.codes.getCollectCode(actorOf(request), request.params.id, publicBaseOf(ctx, request), {
        ...request.query,
        signal: disconnectSignal(reply),
      }),
    }),
  );

  app.get(
    '/v1/codes/resolve',
    { schema: { tags: ['codes'], summary: 'What a scanned token is, without acting on it', querystring: ResolveQuery, response: { 200: ResolveResponse, ...errors } } },
    async (request) => services.codes.resolve(request.query.token),
  );

  app.post(
    '/v1/codes/:id/refresh',
    { schema: { tags: ['codes'], summary: 'A new token for the same code (owner)', params: IdParams, body: EmptyBody, response: { 200: CodeResponse, ...errors } } },
    async (request, reply) =>
      idempotent(services, request, reply, 200, async () => ({ code: await services.codes.refresh(actorOf(request), request.params.id, publicBaseOf(ctx, request)) })),
  );

  app.post(
    '/v1/codes/:id/unfreeze',
    { config: { roles: ['user', 'merchant', 'admin'] }, schema: { tags: ['codes'], summary: 'Lift a risk freeze (owner or admin)', params: IdParams, body: EmptyBody, response: { 200: CodeResponse, ...errors } } },
    async (request, reply) =>
      idempotent(services, request, reply, 200, async () => ({ code: await services.codes.unfreeze(actorOf(request), request.params.id, publicBaseOf(ctx, request)) })),
  );

  app.delete(
    '/v1/codes/:id',
    { schema: { tags: ['codes'], summary: 'Revoke a code (owner)', params: IdParams, response: { 200: CodeResponse, ...errors } } },
    async (request) => ({ code: await services.codes.revoke(actorOf(request), request.params.id, publicBaseOf(ctx, request)) }),
  );
};

export default codes;
