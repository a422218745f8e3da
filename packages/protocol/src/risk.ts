/**
 * Schemas of the risk-control, audit and admin API (SPEC sections 5, 6 and 11): risk decisions,
 * the blacklist, review flags, AML reports and the audit trail.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Fen, Id, page, Timestamp } from './schemas';

const literals = <T extends string>(values: readonly T[], options: object = {}) =>
  Type.Union(values.map((value) => Type.Literal(value)), options);
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Cursor = Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]*$' });
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 50 });
const RuleId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z-]+$' });

export const RISK_OUTCOMES = ['allow', 'review', 'block', 'freeze', 'report'] as const;
export const RiskOutcomeSchema = literals(RISK_OUTCOMES);
export type RiskOutcome = (typeof RISK_OUTCOMES)[number];

export const RiskDecision = Type.Object({
  id: Type.String(),
  rule: Type.String({ description: 'The rule that decided, e.g. device-accounts, night-small-payments' }),
  outcome: RiskOutcomeSchema,
  reason: Type.String(),
  action: literals(['create', 'claim', 'payment'] as const),
  accountId: Nullable(Type.String()),
  deviceId: Nullable(Type.String()),
  subject: Nullable(Type.String({ description: 'The packet, payment or code the request was about' })),
  amount: Nullable(Fen),
  until: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type RiskDecision = Static<typeof RiskDecision>;
export const RiskDecisionsQuery = Type.Object(
  {
    account: Type.Optional(Id),
    rule: Type.Optional(RuleId),
    outcome: Type.Optional(RiskOutcomeSchema),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export type RiskDecisionsQuery = Static<typeof RiskDecisionsQuery>;
export const RiskDecisionsPage = page(RiskDecision);

export const BlacklistKind = literals(['account', 'device'] as const);
export const BlacklistBody = Type.Object(
  {
    kind: BlacklistKind,
    value: Type.String({ minLength: 1, maxLength: 128, description: 'The account id or device id' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type BlacklistBody = Static<typeof BlacklistBody>;
export const BlacklistEntry = Type.Object({
  id: Type.String(),
  kind: BlacklistKind,
  value: Type.String(),
  reason: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
  removedAt: Nullable(Timestamp),
});
export type BlacklistEntry = Static<typeof BlacklistEntry>;
export const BlacklistResponse = Type.Object({ entry: BlacklistEntry });
export const BlacklistQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) }, { additionalProperties: false });
export const BlacklistPage = page(BlacklistEntry);

export const ReviewFlagStatus = literals(['open', 'cleared', 'confirmed'] as const);
export const ReviewFlag = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  accountId: Type.String(),
  reason: Type.String(),
  status: ReviewFlagStatus,
  note: Nullable(Type.String()),
  resolvedBy: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type ReviewFlag = Static<typeof ReviewFlag>;
export const ReviewFlagsQuery = Type.Object(
  { status: Type.Optional(ReviewFlagStatus), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);
export const ReviewFlagsPage = page(ReviewFlag);
export const ResolveFlagBody = Type.Object(
  {
    resolution: literals(['cleared', 'confirmed'] as const, { description: 'cleared lifts the restrictions the flag placed; confirmed keeps them' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ResolveFlagBody = Static<typeof ResolveFlagBody>;
export const ReviewFlagResponse = Type.Object({ flag: ReviewFlag });

export const AmlReport = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  action: Type.String(),
  reference: Type.String({ description: 'The packet or payment id' }),
  amount: Fen,
  createdAt: Timestamp,
});
export const AmlReportsQuery = Type.Object(
  { since: Type.Optional(Type.String({ format: 'date-time' })), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);
export const AmlReportsPage = page(AmlReport);

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Timestamp,
  type: Type.String({ description: 'A domain event (packet.created, …), risk.<outcome> or admin.<action>' }),
  actorId: Nullable(Type.String()),
  subjectId: Type.String(),
  accountIds: Type.Array(Type.String()),
  amount: Fen,
  data: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
  prevHash: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditQuery = Type.Object(
  {
    account: Type.Optional(Id),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z.]+$' })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
export const AuditPage = page(AuditEntry);
