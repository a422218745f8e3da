import { AuditPage, AuditQuery, ErrorBody } from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { ALL_ROLES } from '../http/roles';
import type { RouteModule } from './types';

/** The audit trail (SPEC section 6): auditors and admins see all, support masked, everyone else their own 30 days. */
const audit: RouteModule = (app, services) => {
  app.get(
    '/v1/audit',
    {
      config: { roles: ALL_ROLES },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first: all (auditor, admin), masked (support), or the caller’s own last 30 days',
        querystring: AuditQuery,
        response: { 200: AuditPage, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => services.audit.query(actorOf(request), request.query),
  );
};

export default audit;
