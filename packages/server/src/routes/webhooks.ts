import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  EmptyBody,
  ErrorBody,
  IdParams,
  WebhookDeliveriesPage,
  WebhookDeliveriesQuery,
  WebhookDeliveryResponse,
  WebhookEndpointResponse,
  WebhookEndpointsPage,
} from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { idempotent, type RouteModule } from './types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Webhook endpoints and the delivery log (provider and enterprise merchants). */
const webhooks: RouteModule = (app, services) => {
  app.post(
    '/v1/webhook-endpoints',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register an endpoint; the answer carries its signing secret, shown only this once',
        body: CreateWebhookEndpointBody,
        response: { 201: CreatedWebhookEndpoint, ...errors },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => services.webhooks.create(actorOf(request), request.body)),
  );

  app.get(
    '/v1/webhook-endpoints',
    { schema: { tags: ['webhooks'], summary: 'The caller’s enabled endpoints (secrets are not shown again)', response: { 200: WebhookEndpointsPage, ...errors } } },
    async (request) => services.webhooks.list(actorOf(request)),
  );

  app.delete(
    '/v1/webhook-endpoints/:id',
    { schema: { tags: ['webhooks'], summary: 'Delete an endpoint; its queued deliveries are not sent', params: IdParams, response: { 200: WebhookEndpointResponse, ...errors } } },
    async (request) => ({ endpoint: await services.webhooks.delete(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/webhook-deliveries',
    { schema: { tags: ['webhooks'], summary: 'Delivery log, newest first', querystring: WebhookDeliveriesQuery, response: { 200: WebhookDeliveriesPage, ...errors } } },
    async (request) => services.webhooks.deliveries(actorOf(request), request.query),
  );

  app.post(
    '/v1/webhook-deliveries/:id/redeliver',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivery again now (a dead letter, or one the receiver lost), with a fresh retry window',
        params: IdParams,
        body: EmptyBody,
        response: { 200: WebhookDeliveryResponse, ...errors },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 200, async () => ({ delivery: await services.webhooks.redeliver(actorOf(request), request.params.id) })),
  );
};

export default webhooks;
