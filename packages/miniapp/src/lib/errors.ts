/**
 * The one place errors become words. Typed SDK errors carry the protocol's error `code`; the
 * protocol's ERRORS table holds a Chinese and an English message for each, and a few codes that a
 * person meets while claiming get the mini-program's own, more specific wording. Connection and
 * timeout errors (no `code` from the server) get their own messages.
 */
import { ERRORS, isErrorCode, type ErrorCode } from './protocol';
import { translate, type Lang, type MessageKey } from './i18n';

export type ErrorKind = 'api' | 'network' | 'timeout' | 'location' | 'unknown';

export interface FriendlyError {
  kind: ErrorKind;
  /** The protocol error code, for API errors. */
  code?: ErrorCode;
  message: string;
  /** The session is missing or stale: log in again, then retry. */
  needsLogin: boolean;
  /** The same request may succeed later (network trouble, rate limits, server hiccups). */
  retryable: boolean;
}

/** Codes whose claim-time wording the mini-program words itself, so each reads differently. */
const OWN_WORDING: Partial<Record<ErrorCode, MessageKey>> = {
  PACKET_EXHAUSTED: 'exhausted',
  PACKET_EXPIRED: 'packetExpired',
  CODE_EXPIRED: 'codeExpired',
  CODE_INVALID: 'codeInvalid',
  CODE_REVOKED: 'codeRevoked',
};

const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RATE_LIMITED', 'INTERNAL']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  message?: unknown;
}

/** The protocol error code carried by an SDK error (or by a raw `{error: {code}}` body), if any. */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const candidate = (error as ErrorLike).code ?? (error as { error?: ErrorLike }).error?.code;
  return isErrorCode(candidate) ? candidate : undefined;
}

/**
 * Thrown when a geofenced code needs the person's location and they did not give it (the prompt
 * was refused, or location is off): words of its own, not a network error.
 */
export class LocationDeniedError extends Error {
  override name = 'LocationDeniedError';
}

/** A geofenced code answered `OUT_OF_AREA` because the request carried no location (field `location`). */
export function needsLocation(error: unknown): boolean {
  if (errorCodeOf(error) !== 'OUT_OF_AREA' || !error || typeof error !== 'object') return false;
  const details = error as { field?: unknown; error?: { field?: unknown } };
  return (details.error?.field ?? details.field) === 'location';
}

function kindOf(error: unknown): ErrorKind {
  if (errorCodeOf(error)) return 'api';
  if ((error as ErrorLike | undefined)?.name === 'LocationDeniedError') return 'location';
  const { name, code } = (error ?? {}) as ErrorLike;
  const label = `${typeof name === 'string' ? name : ''} ${typeof code === 'string' ? code : ''}`;
  if (/timeout|ECONNABORTED|ETIMEDOUT/i.test(label)) return 'timeout';
  if (/connection|network|ERR_NETWORK|ECONNRESET|ECONNREFUSED|request:fail/i.test(label)) return 'network';
  if (typeof (error as ErrorLike)?.message === 'string' && /network|request:fail/i.test((error as { message: string }).message)) return 'network';
  return 'unknown';
}

/** The message a person should read for a protocol error code. */
export function messageForCode(code: ErrorCode, lang: Lang): string {
  const own = OWN_WORDING[code];
  return own ? translate(lang, own) : ERRORS[code][lang];
}

/** Turns anything thrown by an SDK call into what the user should see and what the app should do. */
export function describeError(error: unknown, lang: Lang): FriendlyError {
  const kind = kindOf(error);
  if (kind === 'api') {
    const code = errorCodeOf(error)!;
    return {
      kind,
      code,
      message: messageForCode(code, lang),
      needsLogin: code === 'UNAUTHENTICATED',
      retryable: RETRYABLE_CODES.has(code),
    };
  }
  const key: MessageKey = kind === 'network' ? 'networkError' : kind === 'timeout' ? 'timeoutError' : kind === 'location' ? 'locationDenied' : 'unknownError';
  return { kind, message: translate(lang, key), needsLogin: false, retryable: kind !== 'unknown' };
}

/**
 * The earlier claim an `ALREADY_CLAIMED` error carries (the server puts it in the error body), so
 * the claim page can show what the user got the first time.
 */
export function earlierClaimOf(error: unknown): { amount: number; packetId?: string } | null {
  if (errorCodeOf(error) !== 'ALREADY_CLAIMED' || !error || typeof error !== 'object') return null;
  const holder = error as { claim?: unknown; body?: { error?: { claim?: unknown } }; error?: { claim?: unknown }; details?: { claim?: unknown } };
  const claim = holder.claim ?? holder.details?.claim ?? holder.body?.error?.claim ?? holder.error?.claim;
  if (!claim || typeof claim !== 'object') return null;
  const { amount, packetId } = claim as { amount?: unknown; packetId?: unknown };
  if (typeof amount !== 'number') return null;
  return { amount, packetId: typeof packetId === 'string' ? packetId : undefined };
}
