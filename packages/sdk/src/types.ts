/**
 * The shapes of the v1 API as plain TypeScript. The wire contract lives in `@hongbao/protocol` as
 * TypeBox schemas; these interfaces restate it without TypeBox so that the published `.d.ts`
 * needs nothing else installed and reads well in an editor. `types-conformance.ts` proves at
 * build time that each one matches its protocol schema exactly, so they cannot drift apart.
 *
 * Money is always integer fen (分, 1/100 CNY); times are ISO 8601 strings.
 */
import type { WebhookEventType } from './core/webhooks';
import type { ErrorCode as ProtocolErrorCode, Scene as ProtocolScene, Tier as ProtocolTier } from './internal/protocol';

/** Every error code the API answers with (`PACKET_EXHAUSTED`, `CODE_EXPIRED`, …), from the protocol. */
export type ErrorCode = ProtocolErrorCode;
/** A packet scene: `general`, `birthday`, `wedding`, `new-year`, `thanks`, `marketing`. */
export type Scene = ProtocolScene;
/** An account tier: `personal` 个人, `enterprise` 企业, `provider` 服务商. */
export type Tier = ProtocolTier;

/** How a packet is split: 拼手气 random shares, 普通 equal shares, or 专属 for one recipient. */
export type PacketMode = 'random' | 'fixed' | 'exclusive';
/** The algorithm that splits a random packet. */
export type SplitAlgorithm = 'double-mean' | 'line-cut';
/** `active` → `finished` (all claimed) or `expired` → `refunded`; `frozen` by risk control. */
export type PacketStatus = 'active' | 'finished' | 'expired' | 'refunded' | 'frozen';
/** A claim code 红包码 is bound to a packet; a collect code 收款码 to its owner. */
export type CodeKind = 'claim' | 'collect';
/** `revoked` by its owner, `frozen` by the circuit breaker until unfrozen. */
export type CodeStatus = 'active' | 'revoked' | 'frozen';
/** What an account may do; merchants are app accounts of the enterprise and provider tiers. */
export type Role = 'user' | 'merchant' | 'support' | 'auditor' | 'admin';

/** A point on the map, in degrees. */
export interface Location {
  lat: number;
  lng: number;
}

/** A circle a code works in (LBS): claims and payments must present a location inside it. */
export interface Geofence {
  lat: number;
  lng: number;
  radiusMeters: number;
}

/** One page of a list; pass `nextCursor` back as `cursor` for the next page (`null` at the end). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Long-poll parameters (SPEC section 10): answer at the first change after `version`, or after `wait` seconds. */
export interface LongPollParams {
  /** Seconds the server may wait for a change (at most 30). */
  wait?: number;
  /** The last version seen. */
  version?: number;
}

/** Paging parameters of list calls. */
export interface PageParams {
  /** Items per page, 1–100. @default 20 */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

// ---- users, sessions, wallet ------------------------------------------------------------------

/** A user or merchant account as others see it. */
export interface User {
  id: string;
  kind: 'user' | 'merchant';
  name: string;
  tier: Tier;
  role: Role;
  region: string | null;
  createdAt: string;
}

/** Parameters of `sessions.create`. */
export interface CreateSessionParams {
  /** `dev` works in development mode only and needs `openid`; `wechat` needs the `code` from `wx.login`. */
  provider: 'dev' | 'wechat';
  openid?: string;
  code?: string;
  name?: string;
  deviceId?: string;
  region?: string;
}

/** A logged-in session. */
export interface Session {
  /** Pass as `auth` to a client: `new Hongbao({ baseURL, auth: session.token })`. */
  token: string;
  expiresAt: string;
  user: User;
}

/** A wallet balance, in fen. */
export interface Wallet {
  accountId: string;
  currency: 'CNY';
  balance: number;
  pendingSettlement: number;
}

/** Today's outgoing money against the tier's limits. */
export interface Usage {
  singleLimit: number;
  dailyLimit: number;
  usedToday: number;
  remainingToday: number;
  /** YYYY-MM-DD in Asia/Shanghai. */
  businessDay: string;
}

/** The caller: profile, wallet and today's usage. */
export interface Me {
  user: User;
  wallet: Wallet;
  usage: Usage;
}

/** Parameters of `wallet.topup`: the amount in fen. */
export interface TopupParams {
  amount: number;
}

/** One line of the caller's ledger. */
export interface LedgerEntry {
  id: string;
  transferId: string;
  /** `topup`, `packet.fund`, `packet.claim`, `packet.refund`, `payment`, … */
  kind: string;
  /** Signed: negative when money left the wallet. */
  amount: number;
  balanceAfter: number;
  reference: string | null;
  createdAt: string;
}

// ---- packets ----------------------------------------------------------------------------------

/** Parameters of `packets.create`. `total` is in fen, at least `count`. */
export interface CreatePacketParams {
  mode: PacketMode;
  total: number;
  count: number;
  message?: string;
  scene?: Scene;
  /** The one user who may claim an `exclusive` packet. */
  recipient?: string;
  algorithm?: SplitAlgorithm;
  /** Claim window in seconds, 60 to 7 days. @default 86400 */
  expiresIn?: number;
}

/** 手气最佳: the claim with the largest share of a finished packet. */
export interface Luckiest {
  userId: string;
  name: string;
  amount: number;
  claimId: string;
}

/** A red packet 红包 and its progress. */
export interface Packet {
  id: string;
  senderId: string;
  senderName: string;
  mode: PacketMode;
  algorithm: SplitAlgorithm | 'fixed';
  total: number;
  count: number;
  message: string;
  scene: Scene;
  recipientId: string | null;
  status: PacketStatus;
  claimedCount: number;
  claimedAmount: number;
  refundedAmount: number;
  /** Grows with every change; long-polling waits for it to move. */
  version: number;
  /** SHA-256 commitment to the shares, published at creation; see {@link verifyFairness}. */
  commitment: string;
  luckiest: Luckiest | null;
  createdAt: string;
  expiresAt: string;
  finishedAt: string | null;
  refundedAt: string | null;
}

/** Parameters of `packets.list`. */
export interface PacketListParams extends PageParams {
  /** Packets the caller sent, or packets the caller claimed from. */
  role: 'sent' | 'received';
}

/** One claimed share of a packet. */
export interface Claim {
  id: string;
  packetId: string;
  userId: string;
  /** Masked display name. */
  name: string;
  amount: number;
  createdAt: string;
}

/** A page of a packet's claims, with its luckiest claimer once finished. */
export interface ClaimsPage extends Page<Claim> {
  luckiest: Luckiest | null;
}

/** What a finished or expired packet reveals so anyone can check its commitment. */
export interface Fairness {
  salt: string;
  /** Amounts in fen in slot order (the order claims take them). */
  shares: number[];
  commitment: string;
}

/** A scene with its names, default message and recommended amounts. */
export interface SceneInfo {
  scene: Scene;
  name: string;
  nameEn: string;
  defaultMessage: string;
  /** Recommended amounts, already clamped to the caller's tier limits. */
  recommended: { min: number; max: number };
}

// ---- codes ------------------------------------------------------------------------------------

/** A dynamic code: a claim code 红包码 or a collect code 收款码, with its current token. */
export interface Code {
  id: string;
  kind: CodeKind;
  status: CodeStatus;
  ownerId: string;
  packetId: string | null;
  fixedAmount: number | null;
  scene: Scene | null;
  title: string | null;
  geofence: Geofence | null;
  version: number;
  /** The current token; it rotates while `id` stays. */
  token: string;
  /** The QR text: `<public base URL>/c/<token>`. */
  url: string;
  keyId: number;
  issuedAt: string;
  expiresAt: string;
  /** When a client showing the code should fetch a fresh token (see `codes.autoRefresh`). */
  refreshAt: string;
}

/** Parameters of `codes.issue`. */
export interface IssueClaimCodeParams {
  geofence?: Geofence;
  /** Custom token validity, 30–3600 s (provider tier only). */
  ttlSeconds?: number;
}

/** Parameters of `codes.createCollect`. */
export interface CreateCollectCodeParams {
  fixedAmount?: number;
  scene?: Scene;
  title?: string;
  geofence?: Geofence;
  /** Custom token validity, 30–3600 s (provider tier only). */
  ttlSeconds?: number;
}

/** The cover of a packet behind a claim code, shown before claiming. */
export interface PacketCover {
  id: string;
  senderName: string;
  mode: PacketMode;
  message: string;
  scene: Scene;
  status: PacketStatus;
  count: number;
  claimedCount: number;
  exclusive: boolean;
}

/** What a scanned token is, without acting on it: a packet cover or a collect code's owner. */
export interface ResolvedCode {
  code: { id: string; kind: CodeKind; status: CodeStatus; expiresAt: string; geofenced: boolean };
  packet: PacketCover | null;
  collect: { ownerId: string; ownerName: string; fixedAmount: number | null; scene: Scene | null; title: string | null } | null;
}

/** A published key that verifies provider code tokens offline. */
export interface PublicKey {
  kid: number;
  scheme: string;
  /** Ed25519 public key, PEM. */
  publicKey: string;
}

// ---- claims and payments ----------------------------------------------------------------------

/** Send exactly one of `token`, `url` (a scanned `/c/<token>` URL) or `packetId` (a share card in a chat). */
export interface CreateClaimParams {
  token?: string;
  url?: string;
  packetId?: string;
  deviceId?: string;
  location?: Location;
}

/** What a successful claim returns: the claim and the packet after it. */
export interface ClaimResult {
  claim: Claim;
  packet: Packet;
}

/** A payment into a collect code. */
export interface Payment {
  id: string;
  codeId: string;
  payerId: string;
  /** Masked display name. */
  payerName: string;
  payeeId: string;
  amount: number;
  fee: number;
  message: string;
  /** `pending_settlement` until the D+1 run for merchants; `refunded` when the payee gave it back before then. */
  status: 'completed' | 'pending_settlement' | 'refunded';
  createdAt: string;
}

/** Parameters of `payments.create`: a scanned `url` or `token`, and the amount in fen. */
export interface CreatePaymentParams {
  /** The scanned collect-code token (or use `url`). */
  token?: string;
  /** The scanned `/c/<token>` URL; the SDK extracts the token. */
  url?: string;
  /** Required unless the code has a fixed amount. */
  amount?: number;
  message?: string;
  deviceId?: string;
  location?: Location;
}

/** A page of a collect code's payments, newest first. */
export interface PaymentsPage extends Page<Payment> {
  /** The collect code's payment version, for long-polling. */
  version: number;
}

/** Parameters of `collectCodes.payments`. */
export interface PaymentListParams extends PageParams, LongPollParams {}

// ---- merchants (development mode) -------------------------------------------------------------

/** Parameters of `dev.merchants.create`. */
export interface CreateDevMerchantParams {
  tier: 'enterprise' | 'provider';
  name: string;
  /** Fraction, e.g. 0.006 for 0.6%. */
  feeRate?: number;
  codeTtlSeconds?: number;
  limits?: { single?: number; daily?: number };
}

/** App credentials: pass `{ appId, secret }` as a client's `auth` to sign requests. */
export interface MerchantCredentials {
  accountId: string;
  appId: string;
  secret: string;
}

// ---- merchant operations: webhooks, refunds, settlements, batches, statistics ----------------

/** Parameters of `webhookEndpoints.create`. */
export interface CreateWebhookEndpointParams {
  /** Where events are POSTed (http or https; https in production). */
  url: string;
  /** Event types to send; all of them when left out. */
  events?: WebhookEventType[];
  description?: string;
}

/** A registered webhook endpoint (its secret is shown only by `create`). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  status: 'enabled' | 'deleted';
  createdAt: string;
}

/** What `webhookEndpoints.create` returns: the endpoint and its signing secret, shown this once. */
export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpoint;
  /** Pass it to `webhooks.constructEvent` to verify deliveries. Store it: it is not shown again. */
  secret: string;
}

/** `pending` (due at `nextAttemptAt`), `delivering`, `succeeded`, or `dead` after a day of failures. */
export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'dead';

/** One event's delivery to one endpoint, as the delivery log shows it. */
export interface WebhookDelivery {
  id: string;
  /** The event's id: the same on every attempt and redelivery, so receivers deduplicate on it. */
  eventId: string;
  eventType: WebhookEventType;
  endpointId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  /** Failed attempts are retried with back-off until then, then the delivery is dead-lettered. */
  retryUntil: string;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** Parameters of `webhookDeliveries.list`. */
export interface WebhookDeliveryListParams extends PageParams {
  endpointId?: string;
  status?: WebhookDeliveryStatus;
}

/** A payment given back to its payer before its day was settled. */
export interface PaymentRefund {
  paymentId: string;
  payerId: string;
  amount: number;
  createdAt: string;
}

/** A merchant's D+1 settlement of one business day (Asia/Shanghai). `net = gross - refunds - fees`. */
export interface Settlement {
  id: string;
  merchantId: string;
  /** YYYY-MM-DD. */
  day: string;
  paymentCount: number;
  gross: number;
  refunds: number;
  fees: number;
  net: number;
  createdAt: string;
}

/** Parameters of `settlements.list`. */
export interface SettlementListParams extends PageParams {
  /** Only this business day, YYYY-MM-DD. */
  day?: string;
}

/** What a batch creates per item. */
export type BatchType = 'packets' | 'collect-codes';

/** Parameters of `batches.create`: `items` or `csv`, not both; at most 10,000 items. */
export interface CreateBatchParams {
  type: BatchType;
  /** `packets.create` parameters for `packets`, `codes.createCollect` parameters for `collect-codes`. */
  items?: Array<CreatePacketParams | CreateCollectCodeParams>;
  /** A header row naming those fields (e.g. `mode,total,count,message,scene`), then one row per item. */
  csv?: string;
}

/** A batch and its progress: done when `status` is `completed` (`succeeded + failed === total`). */
export interface Batch {
  id: string;
  type: BatchType;
  status: 'running' | 'completed';
  total: number;
  succeeded: number;
  failed: number;
  createdAt: string;
  completedAt: string | null;
}

/** One item of a batch: what it created (`resultId`) or why it failed. */
export interface BatchItem {
  /** Position in the request, from 0. */
  seq: number;
  status: 'pending' | 'succeeded' | 'failed';
  resultId: string | null;
  error: { code: string; message: string } | null;
}

/** Parameters of `stats.campaign`. */
export interface CampaignStatsParams {
  /** One batch's packets; all the merchant's packets when left out. */
  batchId?: string;
  /** First business day, YYYY-MM-DD. */
  from?: string;
  /** Last business day, YYYY-MM-DD. */
  to?: string;
  /** @default 'day' */
  granularity?: 'day' | 'hour';
}

/** One period of campaign statistics. */
export interface CampaignStatsPoint {
  /** YYYY-MM-DD, or YYYY-MM-DDTHH for hours, Asia/Shanghai. */
  period: string;
  issuedPackets: number;
  issuedShares: number;
  issuedAmount: number;
  claimedShares: number;
  claimedAmount: number;
  /** Shares claimed so far over shares issued so far. */
  conversion: number;
}

/** Campaign statistics: issued, claimed, amount and conversion, in total and over time. */
export interface CampaignStats {
  merchantId: string;
  batchId: string | null;
  issuedPackets: number;
  issuedShares: number;
  issuedAmount: number;
  claimedShares: number;
  claimedAmount: number;
  refundedAmount: number;
  /** claimedShares / issuedShares (0 when nothing was issued). */
  conversion: number;
  series: CampaignStatsPoint[];
}
