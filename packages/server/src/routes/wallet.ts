import { ErrorBody, LedgerPage, PageQuery, TopupBody, WalletResponse } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { idempotent, type RouteModule } from './types';

const wallet: RouteModule = (app, services) => {
  app.get('/v1/wallet', { schema: { tags: ['wallet'], summary: 'Balance', response: { 200: WalletResponse, 401: ErrorBody } } }, async (request) => ({
    wallet: await services.wallet.wallet(actorOf(request).account.id),
  }));

  app.get(
    '/v1/wallet/entries',
    { schema: { tags: ['wallet'], summary: 'Ledger lines, newest first', querystring: PageQuery, response: { 200: LedgerPage, 400: ErrorBody, 401: ErrorBody } } },
    async (request) => services.wallet.entries(actorOf(request), request.query.cursor, request.query.limit ?? 20),
  );

  app.post(
    '/v1/wallet/topups',
    {
      schema: {
        tags: ['wallet'],
        summary: 'Sandbox top-up (development mode)',
        body: TopupBody,
        response: { 201: WalletResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => ({ wallet: await services.wallet.topup(actorOf(request), request.body.amount) })),
  );
};

export default wallet;
