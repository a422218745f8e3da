import { ClaimBody, ClaimResponse, ErrorBody } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { claimTx } from '../services/claims';
import { idempotent, type RouteModule } from './types';

const claims: RouteModule = (app, services) => {
  app.post(
    '/v1/claims',
    {
      schema: {
        tags: ['claims'],
        summary: 'Claim a share of a packet with a scanned code token or a share card’s packet id',
        body: ClaimBody,
        response: { 201: ClaimResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 410: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => services.claims.claim(actorOf(request), request.body), claimTx(request.body)),
  );
};

export default claims;
