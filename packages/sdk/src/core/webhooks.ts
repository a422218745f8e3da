/**
 * Webhook verification (SPEC section 8). Every delivery carries
 * `Hongbao-Signature: t=<unix seconds>,v1=<hex>` where the hex is
 * `HMAC-SHA256(secret, "<t>.<raw body>")` over the exact bytes of the body. Several `v1=` entries
 * may appear while a secret is being rotated; any one matching is enough.
 */
import CryptoJS from 'crypto-js/core.js';
import Utf8 from 'crypto-js/enc-utf8.js';
import { SIGNATURE_WINDOW_SECONDS, WEBHOOK_SIGNATURE_HEADER } from '../internal/protocol';
import { SignatureVerificationError } from './errors';
import { hmacSha256Hex } from './signing';

/** The event types of SPEC section 8; a newer server may send others. */
export type WebhookEventType =
  | 'packet.created'
  | 'packet.claimed'
  | 'packet.finished'
  | 'packet.refunded'
  | 'code.frozen'
  | 'payment.received'
  | 'settlement.completed';

/** A verified webhook delivery: the parsed JSON body. */
export interface WebhookEvent<T = Record<string, unknown>> {
  id: string;
  type: WebhookEventType | (string & {});
  createdAt: string;
  data: T;
}

/** Request headers as frameworks give them: Node's `req.headers`, a fetch `Headers`, or a plain object. */
export type HeadersLike = Record<string, string | string[] | undefined> | { get(name: string): string | null };

/** A raw request body: the exact text or bytes received, before any JSON parsing. */
export type RawBody = string | Uint8Array;

/** Options of {@link constructEvent}. */
export interface ConstructEventOptions {
  /** Largest accepted age (or clock skew) of the signature timestamp, seconds. @default 300 */
  tolerance?: number;
  /** The current time, milliseconds since the epoch. @default Date.now() */
  now?: number;
}

/** Options of {@link generateTestHeader}. */
export interface TestHeaderOptions {
  /** The body to sign, exactly as it will be sent. */
  payload: RawBody;
  secret: string;
  /** Unix seconds. @default now */
  timestamp?: number;
}

type WordArray = CryptoJS.lib.WordArray;

function bodyBytes(rawBody: unknown): WordArray {
  if (typeof rawBody === 'string') return Utf8.parse(rawBody);
  if (rawBody instanceof Uint8Array) {
    const words: number[] = [];
    for (let i = 0; i < rawBody.length; i++) words[i >>> 2] |= rawBody[i] << (24 - (i % 4) * 8);
    return CryptoJS.lib.WordArray.create(words, rawBody.length);
  }
  throw new SignatureVerificationError(
    `The webhook body must be the raw request body (a string or Buffer), not ${rawBody === null ? 'null' : typeof rawBody}. ` +
      'Pass the raw body, not the parsed object: in Express use express.raw({ type: "application/json" }) for the webhook route.',
    undefined,
  );
}

function signatureOf(timestamp: number | string, rawBody: unknown, secret: string): string {
  return hmacSha256Hex(secret, Utf8.parse(`${timestamp}.`).concat(bodyBytes(rawBody)));
}

function headerOf(headers: HeadersLike | string): string | undefined {
  if (typeof headers === 'string') return headers;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(WEBHOOK_SIGNATURE_HEADER) ?? undefined;
  const wanted = WEBHOOK_SIGNATURE_HEADER.toLowerCase();
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (name.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Compares two strings in time that depends only on their length. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * Verifies a webhook delivery and returns its parsed event. Verify before parsing: pass the raw
 * body exactly as received. Throws `SignatureVerificationError` saying what to fix when the header
 * is missing or malformed, the timestamp is outside `tolerance`, or no signature matches.
 *
 * @example
 * app.post('/hongbao/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = webhooks.constructEvent(req.body, req.headers, process.env.HONGBAO_WEBHOOK_SECRET!);
 *   if (event.type === 'payment.received') announce(event.data);
 *   res.sendStatus(204);
 * });
 */
export function constructEvent<T = Record<string, unknown>>(rawBody: RawBody, headers: HeadersLike | string, secret: string, options: ConstructEventOptions = {}): WebhookEvent<T> {
  const header = headerOf(headers);
  if (!header) throw new SignatureVerificationError(`No ${WEBHOOK_SIGNATURE_HEADER} header: pass the request's headers (or the header's value) as received.`, header);
  if (!secret) throw new SignatureVerificationError("No webhook secret: pass your endpoint's signing secret.", header);
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value.toLowerCase());
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) {
    throw new SignatureVerificationError(`Malformed ${WEBHOOK_SIGNATURE_HEADER} header "${header}": expected t=<unix seconds>,v1=<hex>.`, header);
  }
  const expected = signatureOf(timestamp, rawBody, secret);
  if (!signatures.some((signature) => constantTimeEqual(signature, expected))) {
    throw new SignatureVerificationError(
      'No signature matches the body. Check that you pass the raw body exactly as received (not re-serialized JSON) and the secret of this endpoint.',
      header,
    );
  }
  const tolerance = options.tolerance ?? SIGNATURE_WINDOW_SECONDS;
  const age = Math.floor((options.now ?? Date.now()) / 1000) - Number(timestamp);
  if (Math.abs(age) > tolerance) {
    throw new SignatureVerificationError(`The signature timestamp is ${age} s old, outside the tolerance of ${tolerance} s: check the server clock, or this is a replay.`, header);
  }
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : Utf8.stringify(bodyBytes(rawBody))) as WebhookEvent<T>;
  } catch {
    throw new SignatureVerificationError('The webhook body is signed correctly but is not UTF-8 JSON.', header);
  }
}

/**
 * A valid `Hongbao-Signature` header value for `payload`, for testing your webhook handler.
 *
 * @example
 * const payload = JSON.stringify({ id: 'evt_1', type: 'payment.received', createdAt: new Date().toISOString(), data: {} });
 * const header = webhooks.generateTestHeader({ payload, secret });
 * await request(app).post('/hongbao/webhooks').set('Hongbao-Signature', header).send(payload);
 */
export function generateTestHeader({ payload, secret, timestamp = Math.floor(Date.now() / 1000) }: TestHeaderOptions): string {
  return `t=${timestamp},v1=${signatureOf(timestamp, payload, secret)}`;
}

/** Webhook helpers, also available as `client.webhooks`. */
export const webhooks = { constructEvent, generateTestHeader, signatureHeader: WEBHOOK_SIGNATURE_HEADER } as const;
