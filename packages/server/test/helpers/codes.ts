import type { MerchantCredentials } from '@hongbao/protocol';
import type { ManualClock } from '../../src/clock';
import type { TestApp } from '../../src/testing/harness';

/** Who sends a request: a session token (users) or app credentials (merchants, signed). */
export type Caller = string | MerchantCredentials;

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/** Sends one request as `caller`, signing it when the caller is a merchant. */
export async function call(t: TestApp, caller: Caller, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  let request: { headers: Record<string, string>; payload?: string };
  if (typeof caller === 'string') {
    request = { headers: { authorization: `Bearer ${caller}`, ...headers } };
    if (body !== undefined) {
      request.payload = JSON.stringify(body);
      request.headers['content-type'] = 'application/json';
    }
  } else {
    const signed = t.signed(caller, method, url, body);
    request = { headers: { ...signed.headers, ...headers }, payload: signed.payload || undefined };
  }
  const response = await t.app.inject({ method, url, ...request });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
}

export const clockOf = (t: TestApp) => t.clock as ManualClock;

/** Creates a collect code and returns it; fails the test on anything but 201. */
export async function createCollectCode(t: TestApp, owner: Caller, body: Record<string, unknown> = {}) {
  const answer = await call(t, owner, 'POST', '/v1/collect-codes', body);
  if (answer.status !== 201) throw new Error(`collect code: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.code;
}

export const pay = (t: TestApp, payer: Caller, token: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call(t, payer, 'POST', '/v1/payments', { token, ...fields }, headers);

/**
 * Everything a money or code operation could change: balances, payments, daily usage and codes.
 * Two equal snapshots around a rejected request prove it changed nothing.
 */
export async function snapshot(t: TestApp) {
  const db = t.database;
  return {
    balances: await db.all('SELECT owner_id, type, balance FROM ledger_accounts ORDER BY owner_id, type'),
    transfers: await db.get('SELECT COUNT(*) AS n FROM transfers'),
    payments: await db.all('SELECT * FROM payments ORDER BY id'),
    usage: await db.all('SELECT * FROM daily_usage ORDER BY account_id, day'),
    codes: await db.all('SELECT * FROM codes ORDER BY id'),
  };
}

/** Replaces one character in the middle of a token, so its tag, MAC or signature no longer matches. */
export function tamper(token: string): string {
  const at = Math.floor(token.length / 2);
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}
