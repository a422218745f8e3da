import { BatchItemsPage, BatchResponse, CreateBatchBody, ErrorBody, IdParams, PageQuery } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { idempotent, type RouteModule } from './types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** A batch of 10,000 items as JSON or CSV is far above the API's default body limit. */
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

/** Batch issuance (provider tier, full API). */
const batches: RouteModule = (app, services) => {
  app.post(
    '/v1/batches',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      config: { api: 'full' },
      schema: {
        tags: ['batches'],
        summary: 'Issue up to 10,000 packets or collect codes in the background, from JSON items or CSV',
        body: CreateBatchBody,
        response: { 202: BatchResponse, ...errors },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 202, async () => ({ batch: await services.batches.create(actorOf(request), request.body) })),
  );

  app.get(
    '/v1/batches/:id',
    { config: { api: 'full' }, schema: { tags: ['batches'], summary: 'A batch and its progress', params: IdParams, response: { 200: BatchResponse, ...errors } } },
    async (request) => ({ batch: await services.batches.get(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/batches/:id/items',
    {
      config: { api: 'full' },
      schema: { tags: ['batches'], summary: 'A batch’s items in request order: what each created, or why it failed', params: IdParams, querystring: PageQuery, response: { 200: BatchItemsPage, ...errors } },
    },
    async (request) => services.batches.items(actorOf(request), request.params.id, request.query),
  );
};

export default batches;
