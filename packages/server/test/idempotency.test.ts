import type { TestApp } from '../src/testing/harness';
import { freshAppPerTest } from './helpers/fresh-app';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

const topup = (token: string, amount: number, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/wallet/topups',
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    payload: { amount },
  });
const balance = async (token: string) => (await t.app.inject({ method: 'GET', url: '/v1/wallet', headers: { authorization: `Bearer ${token}` } })).json().wallet.balance;

describe('idempotency keys', () => {
  it('returns the first result again for the same key and body, with one effect', async () => {
    const { token } = await t.login('alice');
    const first = await topup(token, 1000, 'key-1');
    const again = await topup(token, 1000, 'key-1');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await balance(token)).toBe(1000);
  });

  it('answers IDEMPOTENCY_CONFLICT for the same key with a different body, changing nothing', async () => {
    const { token } = await t.login('bob');
    await topup(token, 1000, 'key-2');
    const conflict = await topup(token, 2000, 'key-2');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await balance(token)).toBe(1000);
  });

  it('scopes keys to the caller', async () => {
    const a = await t.login('carol');
    const b = await t.login('dave');
    await topup(a.token, 100, 'shared-key');
    const other = await topup(b.token, 100, 'shared-key');
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await balance(b.token)).toBe(100);
  });

  it('gives one effect for concurrent duplicates over real HTTP', async () => {
    const { token } = await t.login('erin');
    const base = await t.listen();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${base}/v1/wallet/topups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'race' },
          body: JSON.stringify({ amount: 700 }),
        }),
      ),
    );
    expect(responses.every((response) => response.status === 201)).toBe(true);
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(await balance(token)).toBe(700);
  });

  it('does not store failures, so a corrected retry with the key succeeds', async () => {
    const { token } = await t.login('frank');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/wallet/topups',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k' },
      payload: { amount: 0 },
    });
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect((await topup(token, 5, 'k')).statusCode).toBe(201);
  });

  it('rejects an over-long key', async () => {
    const { token } = await t.login('gina');
    const res = await topup(token, 5, 'k'.repeat(256));
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'Idempotency-Key' });
    expect(await balance(token)).toBe(0);
  });
});
