import {
  ClaimsPage,
  CreatePacketBody,
  ErrorBody,
  FairnessResponse,
  IdParams,
  LongPollQuery,
  PacketListQuery,
  PacketResponse,
  PacketsPage,
  PageQuery,
  Scenes,
} from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { disconnectSignal } from './long-poll';
import { idempotent, type RouteModule } from './types';

const READ_ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

const packets: RouteModule = (app, services) => {
  app.post(
    '/v1/packets',
    {
      schema: {
        tags: ['packets'],
        summary: 'Send a red packet (the total moves from the wallet into escrow)',
        body: CreatePacketBody,
        response: { 201: PacketResponse, 400: ErrorBody, 401: ErrorBody, 402: ErrorBody, 403: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => ({ packet: await services.packets.create(actorOf(request), request.body) })),
  );

  app.get(
    '/v1/packets',
    { schema: { tags: ['packets'], summary: 'Packets the caller sent or claimed from, newest first', querystring: PacketListQuery, response: { 200: PacketsPage, 400: ErrorBody, 401: ErrorBody } } },
    async (request) => services.packets.list(actorOf(request), request.query.role, request.query.cursor, request.query.limit ?? 20),
  );

  app.get(
    '/v1/packets/:id',
    {
      schema: {
        tags: ['packets'],
        summary: 'A packet, for its sender and claimers; `wait` and `version` long-poll for a change',
        params: IdParams,
        querystring: LongPollQuery,
        response: { 200: PacketResponse, ...READ_ERRORS },
      },
    },
    async (request, reply) => {
      const { wait, version } = request.query;
      const signal = disconnectSignal(reply);
      return { packet: await services.packets.poll(actorOf(request), request.params.id, { version, waitMs: (wait ?? 0) * 1000, signal }) };
    },
  );

  app.get(
    '/v1/packets/:id/claims',
    {
      schema: { tags: ['packets'], summary: 'Claims of a packet, oldest first, with the luckiest once finished', params: IdParams, querystring: PageQuery, response: { 200: ClaimsPage, ...READ_ERRORS } },
    },
    async (request) => services.packets.claims(actorOf(request), request.params.id, request.query.cursor, request.query.limit ?? 20),
  );

  app.get(
    '/v1/packets/:id/fairness',
    { schema: { tags: ['packets'], summary: 'Salt and shares behind the commitment, once the packet has ended', params: IdParams, response: { 200: FairnessResponse, ...READ_ERRORS } } },
    async (request) => ({ fairness: await services.packets.fairness(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/scenes',
    { schema: { tags: ['packets'], summary: 'Scenes with default messages and recommended totals clamped to the caller’s single limit', response: { 200: Scenes, 401: ErrorBody } } },
    async (request) => services.packets.scenes(actorOf(request)),
  );
};

export default packets;
