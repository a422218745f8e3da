/**
 * The SDK's errors: one base class, `APIError` with one subclass per HTTP status (built by
 * `APIError.from`), plus connection, timeout, abort, polling and webhook-signature errors.
 * Business outcomes (`PACKET_EXHAUSTED`, `CODE_EXPIRED`, …) are an error's `code`, not classes.
 */
import type { ErrorCode } from '../internal/protocol';

/** Codes the SDK itself gives to failures that never got an answer from the API. */
export type ClientErrorCode = 'CONNECTION_ERROR' | 'TIMEOUT' | 'ABORTED' | 'UNKNOWN';

/** A protocol error code, one of the SDK's own, or a code this SDK version does not know yet. */
export type APIErrorCode = ErrorCode | ClientErrorCode | (string & {});

/** Response headers as the SDK keeps them: lower-case names. */
export type ResponseHeaders = Record<string, string>;

/** Marks SDK errors so guards recognise them across realms and copies of the SDK. */
const ERROR_BRAND = Symbol.for('@hongbao/sdk.error');

/** Base class of every error the SDK throws. Use {@link isHongbaoError} across realms. */
export class HongbaoError extends Error {
  override name = 'HongbaoError';
  /** @internal Brand for cross-realm guards (errors from another copy of the SDK). */
  readonly [ERROR_BRAND]: string = 'error';
}

/** The error object of an API error response: `{error: {code, message, requestId, …details}}`. */
export interface APIErrorBody {
  code: APIErrorCode;
  message: string;
  requestId?: string;
  /** The offending field, for `VALIDATION_FAILED`. */
  field?: string;
  /** Seconds, for `RATE_LIMITED`. */
  retryAfter?: number;
  /** The earlier claim, for `ALREADY_CLAIMED`. */
  claim?: unknown;
  [detail: string]: unknown;
}

/**
 * A request that failed: the API answered with an error status, or (for the subclasses without
 * a `status`) no answer came at all. Switch on `code` for business outcomes.
 *
 * @example
 * try {
 *   await client.claims.create({ url: scanned });
 * } catch (error) {
 *   if (isAPIError(error) && error.code === 'PACKET_EXHAUSTED') showSorry();
 *   else throw error;
 * }
 */
export class APIError extends HongbaoError {
  override name = 'APIError';
  override readonly [ERROR_BRAND]: string = 'api';

  constructor(
    /** HTTP status; `undefined` when the request got no response. */
    readonly status: number | undefined,
    /** The protocol error code (`PACKET_EXHAUSTED`, …) or the SDK's own (`CONNECTION_ERROR`, …). */
    readonly code: APIErrorCode,
    message: string,
    /** The server's request id, to quote when asking for support. */
    readonly requestId: string | undefined,
    /** The whole error object of the response, with details such as `field` or `claim`. */
    readonly error: APIErrorBody | undefined,
    /** Response headers, lower-case names. */
    readonly headers: ResponseHeaders = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /**
   * Builds the error for an error response: the subclass by status, `code`, `message` and
   * `requestId` from the protocol's error body, and something useful when the body is not one
   * (a proxy's HTML page, an empty 502).
   */
  static from(status: number, body: unknown, headers: ResponseHeaders = {}): APIError {
    const error = errorBodyOf(body);
    const code = error?.code ?? 'UNKNOWN';
    const message = error?.message ?? `Request failed with status ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
    const requestId = error?.requestId ?? headers['x-request-id'];
    const ErrorClass = errorClassFor(status);
    return new ErrorClass(status, code, message, requestId, error, headers);
  }
}

function errorBodyOf(body: unknown): APIErrorBody | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (!error || typeof error !== 'object') return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return error as APIErrorBody;
}

/** 400: the request is invalid (`VALIDATION_FAILED`, `CODE_INVALID`). */
export class BadRequestError extends APIError { override name = 'BadRequestError'; }
/** 401: missing or bad credentials (`UNAUTHENTICATED`, `SIGNATURE_INVALID`, `REQUEST_EXPIRED`, `REPLAYED`). */
export class AuthenticationError extends APIError { override name = 'AuthenticationError'; }
/** 402: `INSUFFICIENT_FUNDS`. */
export class PaymentRequiredError extends APIError { override name = 'PaymentRequiredError'; }
/** 403: not allowed (`FORBIDDEN`, `TIER_API_FORBIDDEN`, `RISK_BLOCKED`, `NOT_RECIPIENT`, `OUT_OF_AREA`, …). */
export class PermissionDeniedError extends APIError { override name = 'PermissionDeniedError'; }
/** 404: `NOT_FOUND`. */
export class NotFoundError extends APIError { override name = 'NotFoundError'; }
/** 409: `ALREADY_CLAIMED`, `PACKET_EXHAUSTED`, `IDEMPOTENCY_CONFLICT`. */
export class ConflictError extends APIError { override name = 'ConflictError'; }
/** 410: `PACKET_EXPIRED`, `CODE_EXPIRED`, `CODE_REVOKED`. */
export class GoneError extends APIError { override name = 'GoneError'; }
/** 413: `PAYLOAD_TOO_LARGE`. */
export class PayloadTooLargeError extends APIError { override name = 'PayloadTooLargeError'; }
/** 422: a rule refused it (`LIMIT_SINGLE_EXCEEDED`, `LIMIT_DAILY_EXCEEDED`, `BANNED_WORDS`). */
export class UnprocessableEntityError extends APIError { override name = 'UnprocessableEntityError'; }
/** 423: `CODE_FROZEN`. */
export class LockedError extends APIError { override name = 'LockedError'; }
/** 429: `RATE_LIMITED`; the SDK already waited `Retry-After` and retried before throwing this. */
export class RateLimitError extends APIError { override name = 'RateLimitError'; }
/** 5xx: the server failed (`INTERNAL`) or a proxy in front of it did. */
export class InternalServerError extends APIError { override name = 'InternalServerError'; }

const ERROR_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  410: GoneError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  423: LockedError,
  429: RateLimitError,
};

function errorClassFor(status: number): typeof APIError {
  return ERROR_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
}

/** No response: the connection failed or dropped (after the SDK's retries). */
export class APIConnectionError extends APIError {
  override name = 'APIConnectionError';
  constructor(message = 'Connection error.', options?: { cause?: unknown; code?: ClientErrorCode }) {
    super(undefined, options?.code ?? 'CONNECTION_ERROR', message, undefined, undefined, {}, options);
  }
}

/** No response within the `timeout` (after the SDK's retries). */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  constructor(message = 'Request timed out.', options?: { cause?: unknown }) {
    super(message, { ...options, code: 'TIMEOUT' });
  }
}

/** The caller's `AbortSignal` fired; never retried. */
export class APIUserAbortError extends APIError {
  override name = 'APIUserAbortError';
  constructor(message = 'Request was aborted.', options?: { cause?: unknown }) {
    super(undefined, 'ABORTED', message, undefined, undefined, {}, options);
  }
}

/** A poll reached its deadline before its condition held; `lastValue` is what it saw last. */
export class PollTimeoutError<T = unknown> extends HongbaoError {
  override name = 'PollTimeoutError';
  override readonly [ERROR_BRAND]: string = 'poll-timeout';
  constructor(message: string, readonly lastValue: T | undefined) {
    super(message);
  }
}

/** A webhook whose signature, timestamp or body does not verify; the message says how to fix the call. */
export class SignatureVerificationError extends HongbaoError {
  override name = 'SignatureVerificationError';
  override readonly [ERROR_BRAND]: string = 'signature';
  constructor(message: string, readonly header: string | undefined) {
    super(message);
  }
}

/** A client built or called wrongly (an unknown option, a bad argument); fix the code, do not retry. */
export class InvalidArgumentError extends HongbaoError {
  override name = 'InvalidArgumentError';
  override readonly [ERROR_BRAND]: string = 'argument';
}

function brandOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, unknown>)[ERROR_BRAND] as string | undefined) : undefined;
}

/** True for any error thrown by the SDK, even one from another copy of it (another realm or bundle). */
export function isHongbaoError(value: unknown): value is HongbaoError {
  return typeof brandOf(value) === 'string';
}

/** True for a failed request (an error response, a connection failure, a timeout or an abort). */
export function isAPIError(value: unknown): value is APIError {
  return brandOf(value) === 'api';
}

/** True when a poll gave up at its deadline. */
export function isPollTimeoutError(value: unknown): value is PollTimeoutError {
  return brandOf(value) === 'poll-timeout';
}

/** True for a webhook that failed verification. */
export function isSignatureVerificationError(value: unknown): value is SignatureVerificationError {
  return brandOf(value) === 'signature';
}
