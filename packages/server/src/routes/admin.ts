import {
  AmlReportsPage,
  AmlReportsQuery,
  BlacklistBody,
  BlacklistPage,
  BlacklistQuery,
  BlacklistResponse,
  ErrorBody,
  IdParams,
  ResolveFlagBody,
  ReviewFlagResponse,
  ReviewFlagsPage,
  ReviewFlagsQuery,
  RiskDecisionsPage,
  RiskDecisionsQuery,
} from '@hongbao/protocol';
import { actorOf } from '../http/auth';
import { idempotent, type RouteModule } from './types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const admin = { roles: ['admin'] as const };
/** Auditors read what risk control decided and reported; only admins change anything. */
const adminOrAuditor = { roles: ['admin', 'auditor'] as const };

/** Risk operations (SPEC section 11): decisions, the blacklist, review flags and AML reports. */
const adminRoutes: RouteModule = (app, services) => {
  app.get(
    '/v1/risk/decisions',
    {
      config: adminOrAuditor,
      schema: { tags: ['risk'], summary: 'Risk decisions, newest first (admin, auditor)', querystring: RiskDecisionsQuery, response: { 200: RiskDecisionsPage, ...errors } },
    },
    async (request) => services.admin.decisions(request.query),
  );

  app.get(
    '/v1/blacklist',
    { config: adminOrAuditor, schema: { tags: ['risk'], summary: 'Active blacklist entries (admin, auditor)', querystring: BlacklistQuery, response: { 200: BlacklistPage, ...errors } } },
    async (request) => services.admin.blacklist(request.query.cursor, request.query.limit),
  );

  app.post(
    '/v1/blacklist',
    {
      config: admin,
      schema: { tags: ['risk'], summary: 'Blacklist an account or a device (admin)', body: BlacklistBody, response: { 201: BlacklistResponse, ...errors } },
    },
    async (request, reply) => idempotent(services, request, reply, 201, async () => ({ entry: await services.admin.addToBlacklist(actorOf(request), request.body) })),
  );

  app.delete(
    '/v1/blacklist/:id',
    { config: admin, schema: { tags: ['risk'], summary: 'Take an entry off the blacklist (admin)', params: IdParams, response: { 200: BlacklistResponse, ...errors } } },
    async (request) => ({ entry: await services.admin.removeFromBlacklist(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/review-flags',
    { config: adminOrAuditor, schema: { tags: ['risk'], summary: 'Review flags raised by risk rules (admin, auditor)', querystring: ReviewFlagsQuery, response: { 200: ReviewFlagsPage, ...errors } } },
    async (request) => services.admin.flags(request.query.status, request.query.cursor, request.query.limit),
  );

  app.post(
    '/v1/review-flags/:id/resolve',
    {
      config: admin,
      schema: {
        tags: ['risk'],
        summary: 'Resolve a review flag: cleared lifts its restrictions, confirmed keeps them (admin)',
        params: IdParams,
        body: ResolveFlagBody,
        response: { 200: ReviewFlagResponse, ...errors },
      },
    },
    async (request, reply) => idempotent(services, request, reply, 200, async () => ({ flag: await services.admin.resolveFlag(actorOf(request), request.params.id, request.body) })),
  );

  app.get(
    '/v1/aml-reports',
    { config: adminOrAuditor, schema: { tags: ['risk'], summary: 'Large-transaction (AML) reports (admin, auditor)', querystring: AmlReportsQuery, response: { 200: AmlReportsPage, ...errors } } },
    async (request) => services.admin.amlReports(request.query),
  );
};

export default adminRoutes;
