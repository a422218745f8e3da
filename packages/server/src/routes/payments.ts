import { ErrorBody, IdParams, PaymentBody, PaymentResponse, PaymentsPage, PaymentsQuery } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { disconnectSignal } from './long-poll';
import { idempotent, type RouteModule } from './types';

/** Payments into collect codes and the owner's list of them. */
const payments: RouteModule = (app, services) => {
  app.post(
    '/v1/payments',
    {
      schema: {
        tags: ['payments'],
        summary: 'Pay into a collect code',
        body: PaymentBody,
        response: {
          201: PaymentResponse,
          400: ErrorBody,
          401: ErrorBody,
          402: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
          410: ErrorBody,
          422: ErrorBody,
          423: ErrorBody,
        },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => ({ payment: await services.payments.pay(actorOf(request), request.body) })),
  );

  app.get(
    '/v1/collect-codes/:id/payments',
    {
      schema: {
        tags: ['payments'],
        summary: 'Payments into the caller’s collect code, newest first (`?wait=&version=` long-poll)',
        params: IdParams,
        querystring: PaymentsQuery,
        response: { 200: PaymentsPage, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { cursor, limit, wait, version } = request.query;
      return services.payments.list(actorOf(request), request.params.id, { cursor, limit }, { wait, version, signal: disconnectSignal(reply) });
    },
  );
};

export default payments;
