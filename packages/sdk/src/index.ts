/**
 * `@hongbao/sdk`: a typed client for the Hongbao red-packet and payment-code API, for Node ≥ 18,
 * browsers and mini-programs (with `@hongbao/sdk/taro`).
 */
export { Hongbao, type ClientOptions } from './client';
export type { Auth, Adapter, RequestOptions } from './core/transport';
export type { Clock } from './core/clock';
export type { AbortSignalLike } from './core/signal';
export type { PollOptions } from './core/polling';
export type { StreamOptions, Subscription } from './core/stream';
export type { AutoRefreshOptions } from './core/auto-refresh';
export type { BatchPollOptions } from './resources/batches';
export { calculateRetryDelay, type RetryInput } from './core/retry';
export {
  HongbaoError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  GoneError,
  PayloadTooLargeError,
  UnprocessableEntityError,
  LockedError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  PollTimeoutError,
  SignatureVerificationError,
  InvalidArgumentError,
  isHongbaoError,
  isAPIError,
  isPollTimeoutError,
  isSignatureVerificationError,
  type APIErrorBody,
  type APIErrorCode,
  type ClientErrorCode,
  type ResponseHeaders,
} from './core/errors';
export {
  webhooks,
  constructEvent,
  generateTestHeader,
  type WebhookEvent,
  type WebhookEventType,
  type HeadersLike,
  type RawBody,
  type ConstructEventOptions,
  type TestHeaderOptions,
} from './core/webhooks';
export { parseCodeUrl, verifyFairness, formatFen, type ParsedCodeUrl } from './helpers';
export type * from './types';
