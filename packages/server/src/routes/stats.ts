import { CampaignStatsQuery, CampaignStatsResponse, ErrorBody } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import type { RouteModule } from './types';

/** Campaign statistics (enterprise and provider). */
const stats: RouteModule = (app, services) => {
  app.get(
    '/v1/stats/campaign',
    {
      schema: {
        tags: ['stats'],
        summary: 'Issued, claimed, amount and conversion over time, for all the caller’s packets or one batch',
        querystring: CampaignStatsQuery,
        response: { 200: CampaignStatsResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => ({ stats: await services.stats.campaign(actorOf(request), request.query) }),
  );
};

export default stats;
