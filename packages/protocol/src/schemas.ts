/**
 * TypeBox schemas for every request and response of the v1 API, and the TypeScript types derived
 * from them. The server validates with these and generates its OpenAPI document from them; the SDK
 * takes its types from them. Times are ISO 8601 strings; money is integer fen.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES } from './errors';
import { SCENES } from './scenes';
import { MAX_MESSAGE_LENGTH, MAX_WAIT_SECONDS, TIERS } from './tiers';

const literals = <T extends string>(values: readonly T[], options: object = {}) =>
  Type.Union(values.map((value) => Type.Literal(value)), options);
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Fen = Type.Integer({ minimum: 0, maximum: 9_007_199_254_740_991, description: 'Amount in integer fen (1/100 CNY)' });
export const PositiveFen = Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description: 'Amount in integer fen, at least 1' });
export const SignedFen = Type.Integer({ description: 'Signed amount in integer fen' });
export const Timestamp = Type.String({ format: 'date-time' });
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const DeviceId = Type.String({ minLength: 1, maxLength: 128 });
export const Message = Type.String({ maxLength: MAX_MESSAGE_LENGTH });

export const TierSchema = literals(TIERS);
export const SceneSchema = literals(SCENES);
export const RoleSchema = literals(['user', 'merchant', 'support', 'auditor', 'admin'] as const);
export const PacketMode = literals(['random', 'fixed', 'exclusive'] as const);
export const SplitAlgorithmSchema = literals(['double-mean', 'line-cut'] as const);
export const PacketStatus = literals(['active', 'finished', 'expired', 'refunded', 'frozen'] as const);
export const CodeKindSchema = literals(['claim', 'collect'] as const);
export const CodeStatus = literals(['active', 'revoked', 'frozen'] as const);

export const Location = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
export const Geofence = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    radiusMeters: Type.Integer({ minimum: 10, maximum: 100_000 }),
  },
  { additionalProperties: false },
);

// ---- errors ---------------------------------------------------------------------------------

export const ErrorBody = Type.Object({
  error: Type.Object(
    {
      code: literals(ERROR_CODES),
      message: Type.String(),
      requestId: Type.String(),
      field: Type.Optional(Type.String({ description: 'The offending field for VALIDATION_FAILED' })),
      retryAfter: Type.Optional(Type.Integer({ description: 'Seconds, for RATE_LIMITED' })),
      claim: Type.Optional(Type.Unknown({ description: 'The earlier claim, for ALREADY_CLAIMED' })),
    },
    { additionalProperties: true },
  ),
});
export type ErrorBody = Static<typeof ErrorBody>;

// ---- users, sessions, wallet ------------------------------------------------------------------

export const User = Type.Object({
  id: Id,
  kind: literals(['user', 'merchant'] as const),
  name: Type.String(),
  tier: TierSchema,
  role: RoleSchema,
  region: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type User = Static<typeof User>;

export const CreateSessionBody = Type.Object(
  {
    provider: literals(['dev', 'wechat'] as const),
    openid: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    deviceId: Type.Optional(DeviceId),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type CreateSessionBody = Static<typeof CreateSessionBody>;
export const SessionResponse = Type.Object({ token: Type.String(), expiresAt: Timestamp, user: User });
export type SessionResponse = Static<typeof SessionResponse>;

export const Wallet = Type.Object({
  accountId: Id,
  currency: Type.Literal('CNY'),
  balance: Fen,
  pendingSettlement: Fen,
});
export type Wallet = Static<typeof Wallet>;
export const WalletResponse = Type.Object({ wallet: Wallet });

export const Usage = Type.Object({
  singleLimit: Fen,
  dailyLimit: Fen,
  usedToday: Fen,
  remainingToday: Fen,
  businessDay: Type.String({ description: 'YYYY-MM-DD in Asia/Shanghai' }),
});
export const MeResponse = Type.Object({ user: User, wallet: Wallet, usage: Usage });
export type MeResponse = Static<typeof MeResponse>;

export const TopupBody = Type.Object({ amount: PositiveFen }, { additionalProperties: false });
export type TopupBody = Static<typeof TopupBody>;

export const LedgerEntry = Type.Object({
  id: Id,
  transferId: Id,
  kind: Type.String({ description: 'topup, packet.fund, packet.claim, packet.refund, payment, …' }),
  amount: SignedFen,
  balanceAfter: Fen,
  reference: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type LedgerEntry = Static<typeof LedgerEntry>;

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]*$' })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;
export const page = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });
export const LedgerPage = page(LedgerEntry);
export type Page<T> = { data: T[]; nextCursor: string | null };

// ---- packets --------------------------------------------------------------------------------

export const CreatePacketBody = Type.Object(
  {
    mode: PacketMode,
    total: PositiveFen,
    count: Type.Integer({ minimum: 1, maximum: 10_000 }),
    message: Type.Optional(Message),
    scene: Type.Optional(SceneSchema),
    recipient: Type.Optional(Id),
    algorithm: Type.Optional(SplitAlgorithmSchema),
    expiresIn: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 86_400, description: 'Claim window, seconds' })),
  },
  { additionalProperties: false },
);
export type CreatePacketBody = Static<typeof CreatePacketBody>;

export const Luckiest = Type.Object({ userId: Id, name: Type.String(), amount: Fen, claimId: Id });
export const Packet = Type.Object({
  id: Id,
  senderId: Id,
  senderName: Type.String(),
  mode: PacketMode,
  algorithm: literals(['double-mean', 'line-cut', 'fixed'] as const),
  total: Fen,
  count: Type.Integer(),
  message: Type.String(),
  scene: SceneSchema,
  recipientId: Nullable(Id),
  status: PacketStatus,
  claimedCount: Type.Integer(),
  claimedAmount: Fen,
  refundedAmount: Fen,
  version: Type.Integer(),
  commitment: Type.String(),
  luckiest: Nullable(Luckiest),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  refundedAt: Nullable(Timestamp),
});
export type Packet = Static<typeof Packet>;
export const PacketResponse = Type.Object({ packet: Packet });
export type PacketResponse = Static<typeof PacketResponse>;

export const LongPollQuery = Type.Object(
  {
    wait: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WAIT_SECONDS, description: 'Seconds to wait for a change' })),
    version: Type.Optional(Type.Integer({ minimum: 0, description: 'The last version seen' })),
  },
  { additionalProperties: false },
);
export type LongPollQuery = Static<typeof LongPollQuery>;

export const Claim = Type.Object({
  id: Id,
  packetId: Id,
  userId: Id,
  name: Type.String({ description: 'Masked display name' }),
  amount: Fen,
  createdAt: Timestamp,
});
export type Claim = Static<typeof Claim>;
export const ClaimsPage = Type.Object({ data: Type.Array(Claim), nextCursor: Nullable(Type.String()), luckiest: Nullable(Luckiest) });
export type ClaimsPage = Static<typeof ClaimsPage>;

export const PacketListQuery = Type.Object(
  {
    role: literals(['sent', 'received'] as const, { description: 'Packets the caller sent, or packets the caller claimed from' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]*$' })),
  },
  { additionalProperties: false },
);
export type PacketListQuery = Static<typeof PacketListQuery>;
export const PacketsPage = page(Packet);

export const Fairness = Type.Object({ salt: Type.String(), shares: Type.Array(Fen), commitment: Type.String() });
export type Fairness = Static<typeof Fairness>;
export const FairnessResponse = Type.Object({ fairness: Fairness });

export const Scenes = Type.Object({
  data: Type.Array(
    Type.Object({
      scene: SceneSchema,
      name: Type.String(),
      nameEn: Type.String(),
      defaultMessage: Type.String(),
      recommended: Type.Object({ min: Fen, max: Fen }),
    }),
  ),
});

// ---- codes ----------------------------------------------------------------------------------

export const Code = Type.Object({
  id: Id,
  kind: CodeKindSchema,
  status: CodeStatus,
  ownerId: Id,
  packetId: Nullable(Id),
  fixedAmount: Nullable(Fen),
  scene: Nullable(SceneSchema),
  title: Nullable(Type.String()),
  geofence: Nullable(Geofence),
  version: Type.Integer(),
  token: Type.String(),
  url: Type.String(),
  keyId: Type.Integer(),
  issuedAt: Timestamp,
  expiresAt: Timestamp,
  refreshAt: Timestamp,
});
export type Code = Static<typeof Code>;
export const CodeResponse = Type.Object({ code: Code });
export type CodeResponse = Static<typeof CodeResponse>;

const CodeTtlSeconds = Type.Integer({
  minimum: 30,
  maximum: 3600,
  description: 'Custom token validity, seconds (provider tier, full API); others get TIER_API_FORBIDDEN',
});

export const IssueClaimCodeBody = Type.Object({ geofence: Type.Optional(Geofence), ttlSeconds: Type.Optional(CodeTtlSeconds) }, { additionalProperties: false });
export type IssueClaimCodeBody = Static<typeof IssueClaimCodeBody>;

export const CreateCollectCodeBody = Type.Object(
  {
    fixedAmount: Type.Optional(PositiveFen),
    scene: Type.Optional(SceneSchema),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    geofence: Type.Optional(Geofence),
    ttlSeconds: Type.Optional(CodeTtlSeconds),
  },
  { additionalProperties: false },
);
export type CreateCollectCodeBody = Static<typeof CreateCollectCodeBody>;

export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const ResolveQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
export const PacketCover = Type.Object({
  id: Id,
  senderName: Type.String(),
  mode: PacketMode,
  message: Type.String(),
  scene: SceneSchema,
  status: PacketStatus,
  count: Type.Integer(),
  claimedCount: Type.Integer(),
  exclusive: Type.Boolean(),
});
export const ResolveResponse = Type.Object({
  code: Type.Object({ id: Id, kind: CodeKindSchema, status: CodeStatus, expiresAt: Timestamp, geofenced: Type.Boolean() }),
  packet: Nullable(PacketCover),
  collect: Nullable(
    Type.Object({ ownerId: Id, ownerName: Type.String(), fixedAmount: Nullable(Fen), scene: Nullable(SceneSchema), title: Nullable(Type.String()) }),
  ),
});
export type ResolveResponse = Static<typeof ResolveResponse>;

export const PublicKeys = Type.Object({
  keys: Type.Array(Type.Object({ kid: Type.Integer(), scheme: Type.String(), publicKey: Type.String({ description: 'Ed25519 public key, PEM' }) })),
});

// ---- claims and payments --------------------------------------------------------------------

/** Send exactly one of `token` (a scanned code) or `packetId` (a share card in a chat). */
export const ClaimBody = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'A scanned claim-code token' })),
    packetId: Type.Optional(Id),
    deviceId: Type.Optional(DeviceId),
    location: Type.Optional(Location),
  },
  { additionalProperties: false },
);
export type ClaimBody = Static<typeof ClaimBody>;
export const ClaimResponse = Type.Object({ claim: Claim, packet: Packet });
export type ClaimResponse = Static<typeof ClaimResponse>;

export const PaymentBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 512 }),
    amount: Type.Optional(PositiveFen),
    message: Type.Optional(Message),
    deviceId: Type.Optional(DeviceId),
    location: Type.Optional(Location),
  },
  { additionalProperties: false },
);
export type PaymentBody = Static<typeof PaymentBody>;
export const Payment = Type.Object({
  id: Id,
  codeId: Id,
  payerId: Id,
  payerName: Type.String({ description: 'Masked display name' }),
  payeeId: Id,
  amount: Fen,
  fee: Fen,
  message: Type.String(),
  status: literals(['completed', 'pending_settlement', 'refunded'] as const),
  createdAt: Timestamp,
});
export type Payment = Static<typeof Payment>;
export const PaymentResponse = Type.Object({ payment: Payment });
export type PaymentResponse = Static<typeof PaymentResponse>;
export const PaymentsPage = Type.Object({ data: Type.Array(Payment), nextCursor: Nullable(Type.String()), version: Type.Integer() });
export type PaymentsPage = Static<typeof PaymentsPage>;
export const PaymentsQuery = Type.Composite([PageQuery, LongPollQuery], { additionalProperties: false });

// ---- merchants (development mode) -----------------------------------------------------------

export const CreateDevMerchantBody = Type.Object(
  {
    tier: literals(['enterprise', 'provider'] as const),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    feeRate: Type.Optional(Type.Number({ minimum: 0, maximum: 0.05, description: 'Fraction, e.g. 0.006 for 0.6%' })),
    codeTtlSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 3600 })),
    limits: Type.Optional(
      Type.Object({ single: Type.Optional(PositiveFen), daily: Type.Optional(PositiveFen) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type CreateDevMerchantBody = Static<typeof CreateDevMerchantBody>;
export const MerchantCredentials = Type.Object({ accountId: Id, appId: Type.String(), secret: Type.String() });
export type MerchantCredentials = Static<typeof MerchantCredentials>;

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

// ---- merchant operations: webhooks, refunds, settlements, batches, statistics ----------------

/** The webhook event types of SPEC section 8. */
export const WEBHOOK_EVENT_TYPES = [
  'packet.created',
  'packet.claimed',
  'packet.finished',
  'packet.refunded',
  'code.frozen',
  'payment.received',
  'settlement.completed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WebhookEventTypeSchema = literals(WEBHOOK_EVENT_TYPES);

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://[^\\s/]+', description: 'Where events are POSTed (http or https)' }),
    events: Type.Optional(Type.Array(WebhookEventTypeSchema, { minItems: 1, uniqueItems: true, description: 'Event types to send; all of them when left out' })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>;
export const WebhookEndpoint = Type.Object({
  id: Id,
  url: Type.String(),
  events: Type.Array(WebhookEventTypeSchema),
  description: Nullable(Type.String()),
  status: literals(['enabled', 'deleted'] as const),
  createdAt: Timestamp,
});
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;
export const WebhookEndpointResponse = Type.Object({ endpoint: WebhookEndpoint });
/** The endpoint as created, with its signing secret: the only time the secret is shown. */
export const CreatedWebhookEndpoint = Type.Object({
  endpoint: WebhookEndpoint,
  secret: Type.String({ description: 'Signing secret of this endpoint; shown once, at creation' }),
});
export type CreatedWebhookEndpoint = Static<typeof CreatedWebhookEndpoint>;
export const WebhookEndpointsPage = page(WebhookEndpoint);

export const WebhookDeliveryStatus = literals(['pending', 'delivering', 'succeeded', 'dead'] as const);
export const WebhookDelivery = Type.Object({
  id: Id,
  eventId: Id,
  eventType: WebhookEventTypeSchema,
  endpointId: Id,
  status: WebhookDeliveryStatus,
  attempts: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Nullable(Timestamp),
  retryUntil: Timestamp,
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  deliveredAt: Nullable(Timestamp),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;
export const WebhookDeliveryResponse = Type.Object({ delivery: WebhookDelivery });
export const WebhookDeliveriesPage = page(WebhookDelivery);
export const WebhookDeliveriesQuery = Type.Composite(
  [PageQuery, Type.Object({ endpointId: Type.Optional(Id), status: Type.Optional(WebhookDeliveryStatus) })],
  { additionalProperties: false },
);
export type WebhookDeliveriesQuery = Static<typeof WebhookDeliveriesQuery>;

/** A payment given back to its payer before its day is settled (the fee is then not charged). */
export const PaymentRefund = Type.Object({ paymentId: Id, payerId: Id, amount: PositiveFen, createdAt: Timestamp });
export type PaymentRefund = Static<typeof PaymentRefund>;
export const PaymentRefundResponse = Type.Object({ refund: PaymentRefund });

export const BusinessDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD in Asia/Shanghai' });
export const Settlement = Type.Object({
  id: Id,
  merchantId: Id,
  day: BusinessDay,
  paymentCount: Type.Integer({ minimum: 0 }),
  gross: Fen,
  refunds: Fen,
  fees: Fen,
  net: Fen,
  createdAt: Timestamp,
});
export type Settlement = Static<typeof Settlement>;
export const SettlementResponse = Type.Object({ settlement: Settlement });
export const SettlementsPage = page(Settlement);
export const SettlementsQuery = Type.Composite([PageQuery, Type.Object({ day: Type.Optional(BusinessDay) })], { additionalProperties: false });
export type SettlementsQuery = Static<typeof SettlementsQuery>;

export const BATCH_MAX_ITEMS = 10_000;
export const BatchType = literals(['packets', 'collect-codes'] as const);
/**
 * Send `items` (each a `POST /v1/packets` or `POST /v1/collect-codes` body) or `csv` (a header row
 * naming those fields, then one row per item), not both.
 */
export const CreateBatchBody = Type.Object(
  {
    type: BatchType,
    items: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: BATCH_MAX_ITEMS })),
    csv: Type.Optional(Type.String({ minLength: 1, maxLength: 4 * 1024 * 1024 })),
  },
  { additionalProperties: false },
);
export type CreateBatchBody = Static<typeof CreateBatchBody>;
export const Batch = Type.Object({
  id: Id,
  type: BatchType,
  status: literals(['running', 'completed'] as const),
  total: Type.Integer({ minimum: 1 }),
  succeeded: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
});
export type Batch = Static<typeof Batch>;
export const BatchResponse = Type.Object({ batch: Batch });
export const BatchItem = Type.Object({
  seq: Type.Integer({ minimum: 0, description: 'Position in the request, from 0' }),
  status: literals(['pending', 'succeeded', 'failed'] as const),
  resultId: Nullable(Id),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type BatchItem = Static<typeof BatchItem>;
export const BatchItemsPage = page(BatchItem);

export const CampaignStatsQuery = Type.Object(
  {
    batchId: Type.Optional(Id),
    from: Type.Optional(BusinessDay),
    to: Type.Optional(BusinessDay),
    granularity: Type.Optional(literals(['day', 'hour'] as const, { default: 'day' })),
  },
  { additionalProperties: false },
);
export type CampaignStatsQuery = Static<typeof CampaignStatsQuery>;
const CampaignCounts = {
  issuedPackets: Type.Integer({ minimum: 0 }),
  issuedShares: Type.Integer({ minimum: 0 }),
  issuedAmount: Fen,
  claimedShares: Type.Integer({ minimum: 0 }),
  claimedAmount: Fen,
};
export const CampaignStatsPoint = Type.Object({
  period: Type.String({ description: 'YYYY-MM-DD, or YYYY-MM-DDTHH for hours, Asia/Shanghai' }),
  ...CampaignCounts,
  conversion: Type.Number({ minimum: 0, maximum: 1, description: 'Shares claimed so far over shares issued so far' }),
});
export type CampaignStatsPoint = Static<typeof CampaignStatsPoint>;
export const CampaignStats = Type.Object({
  merchantId: Id,
  batchId: Nullable(Id),
  ...CampaignCounts,
  refundedAmount: Fen,
  conversion: Type.Number({ minimum: 0, maximum: 1, description: 'claimedShares / issuedShares (0 when nothing was issued)' }),
  series: Type.Array(CampaignStatsPoint),
});
export type CampaignStats = Static<typeof CampaignStats>;
export const CampaignStatsResponse = Type.Object({ stats: CampaignStats });
