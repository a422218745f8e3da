/**
 * The app's one SDK client, built on the Taro transport, and the session it runs under. Pages get
 * an authenticated client from `api()`; a stale session (`UNAUTHENTICATED`) is the one error
 * handled here: the app logs in again (silently: dev login or `Taro.login`) and retries once.
 * Every other error goes back to the page, typed, for `describeError`.
 */
import Taro from '@tarojs/taro';
import { Hongbao, type Session } from '@hongbao/sdk';
import { createTaroAdapter } from '@hongbao/sdk/taro';
import { errorCodeOf } from '../lib/errors';
import { loginProviderFor, type LoginProvider } from './login';
import { taroStorage } from './storage';

const SESSION_KEY = 'hongbao.session.v1';

/** H5 talks to the server that served it; the weapp build to the URL set at build time. */
function baseURL(): string {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') return window.location.origin;
  return HONGBAO_API_URL;
}

/**
 * The adapter gets `Taro.request` wrapped in an object literal, not the `Taro` object itself: on H5,
 * Taro's Babel plugin turns each `Taro.api()` call into a named import so unused APIs are dropped,
 * which leaves the default-exported object without them.
 */
const taroTransport = { request: (options: Parameters<typeof Taro.request>[0]) => Taro.request(options) };
const anonymous = new Hongbao({ baseURL: baseURL(), adapter: createTaroAdapter(taroTransport as never), timeout: 40_000 });
let provider: LoginProvider = loginProviderFor(HONGBAO_LOGIN, taroStorage);
let pendingLogin: Promise<Session> | null = null;

/** Replaces the login provider (e.g. a host app's own); the current session is kept until it expires. */
export function setLoginProvider(next: LoginProvider): void {
  provider = next;
}

function savedSession(): Session | null {
  const saved = taroStorage.get(SESSION_KEY) as Session | undefined;
  if (!saved || typeof saved.token !== 'string') return null;
  return Date.parse(saved.expiresAt) > Date.now() + 60_000 ? saved : null;
}

async function login(): Promise<Session> {
  pendingLogin ??= (async () => {
    try {
      const session = await anonymous.sessions.create(await provider.credentials());
      taroStorage.set(SESSION_KEY, session);
      return session;
    } finally {
      pendingLogin = null;
    }
  })();
  return pendingLogin;
}

/** The current session, logging in first when there is none. */
export async function session(): Promise<Session> {
  return savedSession() ?? login();
}

/** The logged-in user, when there is a session (no request is made). */
export function currentUser(): Session['user'] | null {
  return savedSession()?.user ?? null;
}

export function logout(): void {
  taroStorage.remove(SESSION_KEY);
}

let authed: { token: string; client: Hongbao } | null = null;
function clientFor(token: string): Hongbao {
  if (authed?.token !== token) authed = { token, client: anonymous.withOptions({ auth: token }) };
  return authed.client;
}

/**
 * Runs `call` with an authenticated client. On `UNAUTHENTICATED` it logs in again and runs it
 * once more; safe for POSTs because every POST carries its idempotency key.
 */
export async function api<T>(call: (client: Hongbao) => Promise<T>): Promise<T> {
  const current = await session();
  try {
    return await call(clientFor(current.token));
  } catch (error) {
    if (errorCodeOf(error) !== 'UNAUTHENTICATED') throw error;
    taroStorage.remove(SESSION_KEY);
    const fresh = await login();
    return call(clientFor(fresh.token));
  }
}
