/** Account tiers and their default policies (SPEC section 2). */

export const TIERS = ['personal', 'enterprise', 'provider'] as const;
export type Tier = (typeof TIERS)[number];

/** What an account may do through the API, besides a mini-program session. */
export type ApiAccess = 'none' | 'basic' | 'full';

export type TokenEncryption = 'aes-256-gcm' | 'sm4-ctr+hmac-sm3' | 'aes-256-gcm+ed25519';

export interface TierPolicy {
  tier: Tier;
  /** Largest single packet or payment, fen. */
  singleLimit: number;
  /** Largest outgoing total per business day (Asia/Shanghai), fen. */
  dailyLimit: number;
  /** Allowed per-merchant fee rate range on money received through codes, basis points. */
  feeRateBps: { min: number; max: number; default: number };
  riskLevel: 1 | 2 | 3;
  apiAccess: ApiAccess;
  /** Default code validity, seconds. */
  codeTtlSeconds: number;
  /** Allowed custom code validity range, seconds (only providers may choose). */
  codeTtlRange: { min: number; max: number };
  /** Largest `count` of one packet. */
  maxCount: number;
  encryption: TokenEncryption;
  throughputTarget: number;
  latencyTargetMs: number;
}

export const TIER_POLICIES: Readonly<Record<Tier, TierPolicy>> = {
  personal: {
    tier: 'personal',
    singleLimit: 20_000,
    dailyLimit: 100_000,
    feeRateBps: { min: 0, max: 0, default: 0 },
    riskLevel: 3,
    apiAccess: 'none',
    codeTtlSeconds: 120,
    codeTtlRange: { min: 120, max: 120 },
    maxCount: 100,
    encryption: 'aes-256-gcm',
    throughputTarget: 500,
    latencyTargetMs: 300,
  },
  enterprise: {
    tier: 'enterprise',
    singleLimit: 200_000,
    dailyLimit: 5_000_000,
    feeRateBps: { min: 60, max: 100, default: 60 },
    riskLevel: 2,
    apiAccess: 'basic',
    codeTtlSeconds: 180,
    codeTtlRange: { min: 180, max: 180 },
    maxCount: 10_000,
    encryption: 'sm4-ctr+hmac-sm3',
    throughputTarget: 5_000,
    latencyTargetMs: 200,
  },
  provider: {
    tier: 'provider',
    // "Per contract": these defaults apply until a provider account carries its own limits.
    singleLimit: 10_000_000,
    dailyLimit: 100_000_000,
    feeRateBps: { min: 35, max: 80, default: 35 },
    riskLevel: 1,
    apiAccess: 'full',
    codeTtlSeconds: 300,
    codeTtlRange: { min: 30, max: 3600 },
    maxCount: 10_000,
    encryption: 'aes-256-gcm+ed25519',
    throughputTarget: 10_000,
    latencyTargetMs: 150,
  },
};

/** Clients refresh a displayed token this often; tokens outlive it so a stale screen still scans. */
export const CODE_REFRESH_SECONDS = 60;

/** Default claim window of a packet, seconds (SPEC: 24 hours, configurable). */
export const DEFAULT_PACKET_TTL_SECONDS = 86_400;

/** Longest message (祝福语), in characters. */
export const MAX_MESSAGE_LENGTH = 60;

/** Default banned marketing words (SPEC section 3); operators can extend the list. */
export const DEFAULT_BANNED_WORDS: readonly string[] = ['免单', '全额返现', '返现', '刷单', '套现', '稳赚'];

/** Longest long-poll wait, seconds. */
export const MAX_WAIT_SECONDS = 30;
