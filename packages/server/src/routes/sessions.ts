import { CreateSessionBody, ErrorBody, MeResponse, SessionResponse } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { ALL_ROLES } from '../http/roles';
import type { RouteModule } from './types';
import { userView } from './views';

const sessions: RouteModule = (app, services) => {
  app.post(
    '/v1/sessions',
    {
      config: { auth: 'public', rateLimit: 'login' },
      schema: { tags: ['sessions'], summary: 'Log in', body: CreateSessionBody, response: { 200: SessionResponse, 400: ErrorBody } },
    },
    async (request) => {
      const { token, expiresAt, account } = await services.auth.login(request.body);
      return { token, expiresAt: new Date(expiresAt).toISOString(), user: userView(account) };
    },
  );

  app.get('/v1/me', { config: { roles: ALL_ROLES }, schema: { tags: ['sessions'], summary: 'Profile, balance and today’s usage', response: { 200: MeResponse, 401: ErrorBody } } }, async (request) => {
    const { account } = actorOf(request);
    return { user: userView(account), wallet: await services.wallet.wallet(account.id), usage: await services.limits.usage(account) };
  });
};

export default sessions;
