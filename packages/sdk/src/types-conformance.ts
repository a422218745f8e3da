/**
 * Build-time proof that the SDK's plain types (`types.ts`) match the protocol's TypeBox schemas.
 * Nothing imports this file, so it never reaches the bundle or the published `.d.ts`; the SDK's
 * `tsc --noEmit` step checks it, and a mismatch fails `pnpm build` with the name of the type.
 */
import type * as Wire from '@hongbao/protocol/src/schemas';
import type * as Sdk from './types';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Mutually assignable and with the same keys (so a new optional field is not missed). */
type Conforms<A, B> = [A] extends [B] ? ([B] extends [A] ? Same<keyof A, keyof B> : false) : false;
type Check<T extends true> = T;

type Wire<K extends keyof typeof Wire> = (typeof Wire)[K] extends { static: infer S } ? S : never;

export type Conformance = [
  Check<Conforms<Sdk.User, Wire.User>>,
  Check<Conforms<Sdk.CreateSessionParams, Wire.CreateSessionBody>>,
  Check<Conforms<Sdk.Session, Wire.SessionResponse>>,
  Check<Conforms<Sdk.Wallet, Wire.Wallet>>,
  Check<Conforms<Sdk.Usage, Wire<'Usage'>>>,
  Check<Conforms<Sdk.Me, Wire.MeResponse>>,
  Check<Conforms<Sdk.TopupParams, Wire.TopupBody>>,
  Check<Conforms<Sdk.LedgerEntry, Wire.LedgerEntry>>,
  Check<Conforms<Sdk.Page<Sdk.LedgerEntry>, Wire<'LedgerPage'>>>,
  Check<Conforms<Sdk.PageParams, Wire.PageQuery>>,
  Check<Conforms<Sdk.LongPollParams, Wire.LongPollQuery>>,
  Check<Conforms<Sdk.CreatePacketParams, Wire.CreatePacketBody>>,
  Check<Conforms<Sdk.Luckiest, Wire<'Luckiest'>>>,
  Check<Conforms<Sdk.Packet, Wire.Packet>>,
  Check<Conforms<Sdk.PacketListParams, Wire.PacketListQuery>>,
  Check<Conforms<Sdk.Page<Sdk.Packet>, Wire<'PacketsPage'>>>,
  Check<Conforms<Sdk.Claim, Wire.Claim>>,
  Check<Conforms<Sdk.ClaimsPage, Wire.ClaimsPage>>,
  Check<Conforms<Sdk.Fairness, Wire.Fairness>>,
  Check<Conforms<{ data: Sdk.SceneInfo[] }, Wire<'Scenes'>>>,
  Check<Conforms<Sdk.Code, Wire.Code>>,
  Check<Conforms<Sdk.Geofence, Wire<'Geofence'>>>,
  Check<Conforms<Sdk.Location, Wire<'Location'>>>,
  Check<Conforms<Sdk.IssueClaimCodeParams, Wire.IssueClaimCodeBody>>,
  Check<Conforms<Sdk.CreateCollectCodeParams, Wire.CreateCollectCodeBody>>,
  Check<Conforms<Sdk.PacketCover, Wire<'PacketCover'>>>,
  Check<Conforms<Sdk.ResolvedCode, Wire.ResolveResponse>>,
  Check<Conforms<{ keys: Sdk.PublicKey[] }, Wire<'PublicKeys'>>>,
  Check<Conforms<Omit<Sdk.CreateClaimParams, 'url'>, Wire.ClaimBody>>,
  Check<Conforms<Sdk.ClaimResult, Wire.ClaimResponse>>,
  Check<Conforms<Sdk.Payment, Wire.Payment>>,
  Check<Conforms<Omit<Sdk.CreatePaymentParams, 'url' | 'token'> & { token: string }, Wire.PaymentBody>>,
  Check<Conforms<Sdk.PaymentsPage, Wire.PaymentsPage>>,
  Check<Conforms<Sdk.PaymentListParams, Wire<'PaymentsQuery'>>>,
  Check<Conforms<Sdk.CreateDevMerchantParams, Wire.CreateDevMerchantBody>>,
  Check<Conforms<Sdk.MerchantCredentials, Wire.MerchantCredentials>>,
  Check<Conforms<Sdk.ErrorCode, Wire.ErrorBody['error']['code']>>,
  Check<Conforms<Sdk.CreateWebhookEndpointParams, Wire.CreateWebhookEndpointBody>>,
  Check<Conforms<Sdk.WebhookEndpoint, Wire.WebhookEndpoint>>,
  Check<Conforms<Sdk.CreatedWebhookEndpoint, Wire.CreatedWebhookEndpoint>>,
  Check<Conforms<Sdk.WebhookDelivery, Wire.WebhookDelivery>>,
  Check<Conforms<Sdk.WebhookDeliveryListParams, Wire.WebhookDeliveriesQuery>>,
  Check<Conforms<Sdk.PaymentRefund, Wire.PaymentRefund>>,
  Check<Conforms<Sdk.Settlement, Wire.Settlement>>,
  Check<Conforms<Sdk.SettlementListParams, Wire.SettlementsQuery>>,
  // Items are checked one by one on the server; the SDK names their two shapes.
  Check<Conforms<Omit<Sdk.CreateBatchParams, 'items'>, Omit<Wire.CreateBatchBody, 'items'>>>,
  Check<Conforms<Sdk.Batch, Wire.Batch>>,
  Check<Conforms<Sdk.BatchItem, Wire.BatchItem>>,
  Check<Conforms<Sdk.CampaignStatsParams, Wire.CampaignStatsQuery>>,
  Check<Conforms<Sdk.CampaignStatsPoint, Wire.CampaignStatsPoint>>,
  Check<Conforms<Sdk.CampaignStats, Wire.CampaignStats>>,
];
