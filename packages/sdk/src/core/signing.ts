/**
 * Merchant request signing (SPEC section 8) with crypto-js, which runs where WebCrypto does not
 * (mini-programs) and is synchronous. Modular imports keep the rest of crypto-js out of bundles.
 */
import hmacSHA256 from 'crypto-js/hmac-sha256.js';
import Hex from 'crypto-js/enc-hex.js';
import sha256 from 'crypto-js/sha256.js';
import { canonicalRequest, formatAuthorization } from '../internal/protocol';
import { randomHex } from './random';

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return sha256(text).toString(Hex);
}

/** Lowercase hex HMAC-SHA256 of `message` (a UTF-8 string, or bytes as crypto-js words) under a UTF-8 `secret`. */
export function hmacSha256Hex(secret: string, message: Parameters<typeof hmacSHA256>[0]): string {
  return hmacSHA256(message, secret).toString(Hex);
}

export interface SigningInput {
  appId: string;
  secret: string;
  method: string;
  /** The request target exactly as sent: `/v1/…` plus `?` and the query string when there is one. */
  target: string;
  /** The exact body sent; `''` when there is none. */
  body: string;
  /** Unix seconds. */
  timestamp: number;
  nonce?: string;
}

/**
 * The `Authorization` header value for a merchant request:
 * `HB-HMAC-SHA256 appId="…",timestamp="…",nonce="…",signature="<hex HMAC of METHOD\nTARGET\nTS\nNONCE\nSHA256(BODY)\n>"`.
 */
export function signRequest({ appId, secret, method, target, body, timestamp, nonce = randomHex(16) }: SigningInput): string {
  const ts = String(timestamp);
  const signature = hmacSha256Hex(secret, canonicalRequest(method, target, ts, nonce, sha256Hex(body)));
  return formatAuthorization({ appId, timestamp: ts, nonce, signature });
}
