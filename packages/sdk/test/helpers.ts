import { createTestApp, systemClock, type TestApp } from '@hongbao/server';
import axios, { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { APIUserAbortError, Hongbao, type Auth, type ClientOptions, type Clock } from '@hongbao/sdk';

/** A clock whose sleeps return at once, move time forward and are recorded. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number, signal?: { aborted: boolean }): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
    await Promise.resolve();
    if (signal?.aborted) throw new APIUserAbortError();
  }
}

/** A real server on an ephemeral port, with real time so merchant signatures verify. */
export interface LiveServer {
  t: TestApp;
  baseURL: string;
  /** A client of this server. */
  client(auth?: Auth, options?: Partial<ClientOptions>): Hongbao;
  /** Logs a dev user in through the SDK; returns a client with the user's session. */
  user(openid: string, options?: Partial<ClientOptions>): Promise<Hongbao>;
  close(): Promise<void>;
}

/** Starts a server; with real time unless given a clock (a `FakeClock` shared with clients keeps both in step). */
export async function startServer(clock: { now(): number } = systemClock): Promise<LiveServer> {
  const t = await createTestApp({ clock });
  const baseURL = await t.listen();
  const client = (auth?: Auth, options: Partial<ClientOptions> = {}) => new Hongbao({ baseURL, auth, ...options });
  return {
    t,
    baseURL,
    client,
    async user(openid, options = {}) {
      const session = await client().sessions.create({ provider: 'dev', openid, deviceId: `device-${openid}` });
      return client(session.token, options);
    },
    close: () => t.close(),
  };
}

/** axios's own Node adapter, to wrap with faults. */
export const httpAdapter = axios.getAdapter('http') as AxiosAdapter;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  data: unknown;
}

/**
 * An adapter that records every request and lets `fault(n, config, send)` decide what the n-th
 * request (from 0) gets: the real answer from `send()`, or anything else.
 */
export function faultyAdapter(fault: (n: number, config: InternalAxiosRequestConfig, send: () => Promise<AxiosResponse>) => Promise<AxiosResponse>) {
  const requests: RecordedRequest[] = [];
  const adapter: AxiosAdapter = (config) => {
    const headers = Object.fromEntries(Object.entries(config.headers.toJSON()).map(([k, v]) => [k.toLowerCase(), String(v)]));
    requests.push({ method: (config.method ?? '').toUpperCase(), url: config.url ?? '', headers, data: config.data });
    return fault(requests.length - 1, config, () => httpAdapter(config));
  };
  return { adapter, requests };
}

/** A canned response, as an adapter gives it. */
export function respond(config: InternalAxiosRequestConfig, status: number, body: unknown, headers: Record<string, string> = {}): AxiosResponse {
  return { status, statusText: '', data: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, config };
}

/** The error axios gives when the connection drops before a response. */
export function connectionReset(config: InternalAxiosRequestConfig): AxiosError {
  return new AxiosError('socket hang up', 'ECONNRESET', config);
}
