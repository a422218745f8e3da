/**
 * `@hongbao/sdk/taro`: an axios adapter that sends requests through `Taro.request`, for
 * mini-programs (WeChat and others) and Taro's H5 build. The SDK takes Taro as a parameter, so it
 * has no dependency on `@tarojs/taro`.
 *
 * @example
 * import Taro from '@tarojs/taro';
 * import { Hongbao } from '@hongbao/sdk';
 * import { createTaroAdapter } from '@hongbao/sdk/taro';
 *
 * const client = new Hongbao({ baseURL: 'https://hb.example.com', adapter: createTaroAdapter(Taro), auth: token });
 */
import axios, { AxiosError, CanceledError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

/** The options of `Taro.request` the adapter uses. */
export interface TaroRequestOptions {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  data?: unknown;
  header: Record<string, string>;
  timeout?: number;
  /** `'text'` so the SDK parses the body itself (and reads non-JSON error pages). */
  dataType: string;
  responseType: 'text';
}

/** What `Taro.request` resolves with. */
export interface TaroRequestResult {
  statusCode: number;
  data: unknown;
  header?: Record<string, string>;
}

/** The part of `Taro` the adapter needs: `request`, returning a promise that may have `abort()` (Taro's RequestTask). */
export interface TaroLike {
  request(options: TaroRequestOptions): PromiseLike<TaroRequestResult> & { abort?: () => void };
}

function headersOf(config: InternalAxiosRequestConfig): Record<string, string> {
  const raw = (config.headers?.toJSON?.() ?? config.headers ?? {}) as Record<string, unknown>;
  const header: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined && value !== null && value !== false) header[name] = String(value);
  return header;
}

/** `errMsg` of a failed `Taro.request` (e.g. `request:fail timeout`), or the error's message. */
function messageOf(error: unknown): string {
  const { errMsg, message } = (error ?? {}) as { errMsg?: unknown; message?: unknown };
  return String(errMsg ?? message ?? error);
}

/**
 * Builds an axios adapter on `Taro.request`. It resolves with every answer that the request's
 * `validateStatus` accepts and rejects the others with an `AxiosError` carrying the response,
 * as axios's own adapters do; a failed request rejects with `ECONNABORTED` for a timeout and
 * `ERR_NETWORK` otherwise; an aborted `signal` aborts the Taro request task.
 *
 * Pass `{ request: (options) => Taro.request(options) }` rather than `Taro` on H5: Taro's H5
 * build turns `Taro.request` into a named import, leaving the default object without it.
 *
 * @example
 * const client = new Hongbao({ baseURL, adapter: createTaroAdapter({ request: (options) => Taro.request(options) }) });
 */
export function createTaroAdapter(taro: TaroLike): AxiosAdapter {
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const { signal } = config;
      if (signal?.aborted) return reject(new CanceledError(undefined, undefined, config));
      const task = taro.request({
        url: axios.getUri(config),
        method: (config.method ?? 'get').toUpperCase() as TaroRequestOptions['method'],
        data: config.data,
        header: headersOf(config),
        timeout: config.timeout || undefined,
        dataType: 'text',
        responseType: 'text',
      });
      const onAbort = () => {
        task.abort?.();
        reject(new CanceledError(undefined, undefined, config));
      };
      signal?.addEventListener?.('abort', onAbort);
      task.then(
        (result) => {
          signal?.removeEventListener?.('abort', onAbort);
          const response: AxiosResponse = { data: result.data, status: result.statusCode, statusText: '', headers: result.header ?? {}, config, request: task };
          const accepted = !config.validateStatus || config.validateStatus(result.statusCode);
          if (accepted) resolve(response);
          else {
            const code = result.statusCode >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
            reject(new AxiosError(`Request failed with status code ${result.statusCode}`, code, config, task, response));
          }
        },
        (error: unknown) => {
          signal?.removeEventListener?.('abort', onAbort);
          if (signal?.aborted) return;
          const message = messageOf(error);
          const code = /timeout|timed out|超时/i.test(message) ? AxiosError.ECONNABORTED : AxiosError.ERR_NETWORK;
          reject(new AxiosError(message, code, config, task));
        },
      );
    });
}
