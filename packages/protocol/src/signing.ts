/**
 * Merchant request signing (SPEC section 8). The string to sign is
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nSHA256HEX(BODY)\n`, where PATH?QUERY is the request
 * target exactly as sent (the path, plus `?` and the query string when there is one) and the body
 * hash covers the exact bytes sent (the hash of the empty string when there is no body). Hashing is
 * left to the caller so that this module runs everywhere (node:crypto on the server, crypto-js in
 * mini-programs).
 */

export const SIGNATURE_SCHEME = 'HB-HMAC-SHA256';
/** Largest accepted difference between the request timestamp and the server clock, seconds. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export interface SignatureParts {
  appId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

export function canonicalRequest(method: string, target: string, timestamp: string | number, nonce: string, bodySha256Hex: string): string {
  return `${method.toUpperCase()}\n${target}\n${timestamp}\n${nonce}\n${bodySha256Hex}\n`;
}

export function formatAuthorization(parts: SignatureParts): string {
  return `${SIGNATURE_SCHEME} appId="${parts.appId}",timestamp="${parts.timestamp}",nonce="${parts.nonce}",signature="${parts.signature}"`;
}

/** Parses an `Authorization: HB-HMAC-SHA256 …` header; `null` when it is not one or is malformed. */
export function parseAuthorization(header: string): SignatureParts | null {
  if (!header.startsWith(`${SIGNATURE_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  for (const part of header.slice(SIGNATURE_SCHEME.length + 1).split(',')) {
    const match = /^\s*([a-zA-Z]+)="([^"]*)"\s*$/.exec(part);
    if (!match) return null;
    fields[match[1]] = match[2];
  }
  const { appId, timestamp, nonce, signature } = fields;
  if (!appId || !timestamp || !nonce || !signature) return null;
  return { appId, timestamp, nonce, signature };
}

/** The preimage of a packet's fairness commitment: `hex(SHA-256(utf8(fairnessPreimage(...))))`. */
export function fairnessPreimage(salt: string, shares: readonly number[]): string {
  return `${salt}:${shares.join(',')}`;
}

/** Webhook signature header name and format: `t=<unix>,v1=<hex hmac of "<t>.<raw body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Hongbao-Signature';
