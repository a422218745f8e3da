/**
 * Random identifiers for idempotency keys and signature nonces. Both need to be unique, not
 * secret (a nonce cannot be forged into a valid signature without the secret), so where the
 * platform has no `crypto.getRandomValues` (WeChat mini-programs, Node 18 without the global) the
 * SDK falls back to `Math.random` mixed with the time and a counter.
 */

let counter = 0;

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  // A bare `crypto` with a typeof guard: some mini-program runtimes have no `globalThis` either.
  const webCrypto: { getRandomValues?(array: Uint8Array): Uint8Array } | undefined = typeof crypto !== 'undefined' ? crypto : undefined;
  if (webCrypto?.getRandomValues) return webCrypto.getRandomValues(bytes);
  const salt = Date.now() ^ (counter++ * 0x9e3779b1);
  for (let i = 0; i < length; i++) bytes[i] = (Math.random() * 256) ^ (salt >>> ((i % 4) * 8));
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** `length` random bytes as lowercase hex. */
export function randomHex(length: number): string {
  return toHex(randomBytes(length));
}

/** A version-4 UUID, the SDK's default `Idempotency-Key`. */
export function uuid4(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
