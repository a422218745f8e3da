import { CreateDevMerchantBody, ErrorBody, MerchantCredentials } from '@hongbao/protocol';
import type { RouteModule } from './types';

/** Development-mode helpers; not registered at all in production mode. */
const dev: RouteModule = (app, services, ctx) => {
  if (ctx.config.mode !== 'development') return;
  app.post(
    '/v1/dev/merchants',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['dev'],
        summary: 'Create a merchant with app credentials (development mode)',
        body: CreateDevMerchantBody,
        response: { 201: MerchantCredentials, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send(await services.auth.createMerchant(request.body)),
  );
};

export default dev;
