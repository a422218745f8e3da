import { EmptyBody, ErrorBody, IdParams, PaymentRefundResponse, SettlementResponse, SettlementsPage, SettlementsQuery } from '@hongbao/protocol';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth';
import { idempotent, type RouteModule } from './types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** D+1 settlements, their CSV statements, and refunds of payments awaiting settlement (enterprise and provider). */
const settlements: RouteModule = (app, services) => {
  app.get(
    '/v1/settlements',
    { schema: { tags: ['settlements'], summary: 'The caller’s settlements, newest business day first', querystring: SettlementsQuery, response: { 200: SettlementsPage, ...errors } } },
    async (request) => services.settlements.list(actorOf(request), request.query),
  );

  app.get(
    '/v1/settlements/:id',
    { schema: { tags: ['settlements'], summary: 'One settlement: gross, refunds, fees and net of a business day', params: IdParams, response: { 200: SettlementResponse, ...errors } } },
    async (request) => ({ settlement: await services.settlements.get(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/settlements/:id/statement.csv',
    {
      schema: {
        tags: ['settlements'],
        summary: 'The settlement’s CSV statement: one line per payment of the day, then a TOTAL line (amounts in fen)',
        params: IdParams,
        response: { 200: Type.String({ description: 'text/csv' }), ...errors },
      },
    },
    async (request, reply) => {
      const { filename, csv } = await services.settlements.statement(actorOf(request), request.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
    },
  );

  app.post(
    '/v1/payments/:id/refund',
    {
      schema: {
        tags: ['settlements'],
        summary: 'Give a payment back to its payer before its day is settled (payee only; no fee is charged on it)',
        params: IdParams,
        body: EmptyBody,
        response: { 201: PaymentRefundResponse, ...errors },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => ({ refund: await services.settlements.refundPayment(actorOf(request), request.params.id) })),
  );
};

export default settlements;
