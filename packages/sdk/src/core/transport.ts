/**
 * Request mechanics: one HTTP request through axios, authenticated (session token or merchant
 * signature), retried with the same idempotency key, and turned into a typed result or error.
 */
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Clock } from './clock';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, isAPIError, type ResponseHeaders } from './errors';
import { uuid4 } from './random';
import { calculateRetryDelay } from './retry';
import { throwIfAborted, type AbortSignalLike } from './signal';
import { signRequest } from './signing';

/** A user's session token (from `sessions.create`), or a merchant's app credentials. */
export type Auth = string | { token: string } | { appId: string; secret: string };

/** An axios adapter: a function such as `createTaroAdapter(Taro)`, or a built-in name (`'fetch'`, `'xhr'`, `'http'`). */
export type Adapter = NonNullable<AxiosRequestConfig['adapter']>;

/** Per-call options, the last argument of every resource method. */
export interface RequestOptions {
  /**
   * The `Idempotency-Key` of a POST. By default the SDK generates one before the first attempt
   * and sends the same key on every retry, so a retried POST takes effect once. Pass your own to
   * make a POST safe to repeat across restarts (e.g. your order id); pass `null` to send none, in
   * which case the SDK never retries it.
   */
  idempotencyKey?: string | null;
  /** Cancels the call, including retries and their waits; it then rejects with `APIUserAbortError`. */
  signal?: AbortSignalLike;
  /** Milliseconds per attempt, overriding the client's `timeout`. */
  timeout?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** One API call as a resource method describes it. */
export interface APIRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/…`, without query. */
  path: string;
  query?: Query;
  body?: unknown;
  options?: RequestOptions;
}

/** The client options a transport uses, with defaults applied. */
export interface TransportConfig {
  baseURL: string;
  auth: Auth | undefined;
  adapter: Adapter | undefined;
  timeout: number;
  maxRetries: number;
  headers: Record<string, string>;
  clock: Clock;
}

/** `/v1/x` plus the query string, with values encoded once, in the order given. */
export function buildTarget(path: string, query: Query = {}): string {
  const pairs = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}

function headersOf(response: AxiosResponse): ResponseHeaders {
  const raw = (response.headers ?? {}) as Record<string, unknown> & { toJSON?: () => Record<string, unknown> };
  const plain = typeof raw.toJSON === 'function' ? raw.toJSON() : raw;
  const headers: ResponseHeaders = {};
  for (const [name, value] of Object.entries(plain)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  if (data === '') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** Any failure of an attempt as an `APIError`: API errors as they are, others as connection, timeout or abort errors. */
function asAPIError(error: unknown, signal: AbortSignalLike | undefined): APIError {
  if (isAPIError(error)) return error;
  const code = (error as { code?: string } | null)?.code;
  if (signal?.aborted || code === 'ERR_CANCELED') return new APIUserAbortError(undefined, { cause: error });
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return new APIConnectionTimeoutError(undefined, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new APIConnectionError(`Connection error: ${detail}`, { cause: error });
}

/** Sends requests; shared by every resource of one client. */
export class Transport {
  // Private fields, so that logging a client never prints its credentials.
  readonly #config: TransportConfig;
  readonly #http: AxiosInstance;

  constructor(config: TransportConfig) {
    this.#config = config;
    this.#http = axios.create({
      baseURL: config.baseURL.replace(/\/+$/, ''),
      adapter: config.adapter,
      // The SDK serializes and signs the body itself, and reads every status as an answer.
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      responseType: 'text',
      validateStatus: () => true,
    });
  }

  /** The clock for waits and signature timestamps. */
  get clock(): Clock {
    return this.#config.clock;
  }

  /** Sends `request`, retrying as {@link calculateRetryDelay} decides; resolves with the parsed body. */
  async request<T>(request: APIRequest): Promise<T> {
    const options = request.options ?? {};
    const idempotencyKey = request.method === 'POST' ? (options.idempotencyKey === undefined ? uuid4() : options.idempotencyKey ?? undefined) : undefined;
    const maxRetries = options.maxRetries ?? this.#config.maxRetries;
    for (let retriesSoFar = 0; ; retriesSoFar++) {
      try {
        return (await this.attempt(request, idempotencyKey)) as T;
      } catch (error) {
        const apiError = asAPIError(error, options.signal);
        const delay = calculateRetryDelay({ retriesSoFar, maxRetries, method: request.method, idempotencyKey, error: apiError, random: Math.random() });
        if (delay === null) throw apiError;
        await this.#config.clock.sleep(delay, options.signal);
      }
    }
  }

  private async attempt({ method, path, query, body, options = {} }: APIRequest, idempotencyKey: string | undefined): Promise<unknown> {
    throwIfAborted(options.signal);
    const target = buildTarget(path, query);
    // A POST always carries a JSON object, `{}` when it has no parameters; GET and DELETE carry none.
    const payload = method === 'POST' ? JSON.stringify(body ?? {}) : '';
    const headers: Record<string, string> = { accept: 'application/json', ...this.#config.headers, ...options.headers };
    if (payload) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const authorization = this.authorization(method, target, payload);
    if (authorization) headers.authorization = authorization;

    const response = await this.#http.request({
      method,
      url: target,
      data: payload || undefined,
      headers,
      timeout: options.timeout ?? this.#config.timeout,
      signal: options.signal,
    });
    const parsed = parseBody(response.data);
    if (response.status >= 400) throw APIError.from(response.status, parsed, headersOf(response));
    return parsed;
  }

  /** Signed afresh on every attempt: the server refuses a nonce it has seen, even on a retry. */
  private authorization(method: string, target: string, body: string): string | undefined {
    const { auth, clock } = this.#config;
    if (auth === undefined) return undefined;
    if (typeof auth === 'string') return `Bearer ${auth}`;
    if ('token' in auth) return `Bearer ${auth.token}`;
    return signRequest({ appId: auth.appId, secret: auth.secret, method, target, body, timestamp: Math.floor(clock.now() / 1000) });
  }
}
