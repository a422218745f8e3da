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
    async (request, reply) => {
      // Without an Idempotency-Key the claim opens its own transaction, so that claims of one
      // share card arriving together can be taken together (ClaimService.claim).
      if (request.headers['idempotency-key'] === undefined) return reply.code(201).send(await services.claims.claim(actorOf(request), request.body));
      return idempotent(services, request, reply, 201, async () => services.claims.claim(actorOf(request), request.body), claimTx(request.body));
    },
  );
};

export default claims;
