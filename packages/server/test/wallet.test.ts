import type { TestApp } from '../src/testing/harness';
import { auth, freshAppPerTest } from './helpers/fresh-app';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);


describe('wallet', () => {
  it('tops up through the sandbox rail and shows the balance', async () => {
    const { token } = await t.login('alice');
    await t.topup(token, 12_345);
    const res = await t.app.inject({ method: 'GET', url: '/v1/wallet', headers: auth(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json().wallet).toEqual({ accountId: expect.any(String), currency: 'CNY', balance: 12_345, pendingSettlement: 0 });
  });

  it('pages ledger entries newest first with a cursor', async () => {
    const { token } = await t.login('bob');
    for (const amount of [100, 200, 300]) await t.topup(token, amount);
    const first = (await t.app.inject({ method: 'GET', url: '/v1/wallet/entries?limit=2', headers: auth(token) })).json();
    expect(first.data.map((e: { amount: number }) => e.amount)).toEqual([300, 200]);
    expect(first.data[0].balanceAfter).toBe(600);
    const second = (await t.app.inject({ method: 'GET', url: `/v1/wallet/entries?limit=2&cursor=${first.nextCursor}`, headers: auth(token) })).json();
    expect(second.data.map((e: { amount: number }) => e.amount)).toEqual([100]);
    expect(second.nextCursor).toBeNull();
  });

  it('rejects a fractional amount with VALIDATION_FAILED naming the field', async () => {
    const { token } = await t.login('carol');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: auth(token), payload: { amount: 1.5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'amount', requestId: expect.any(String) });
  });

  it('rejects a string amount instead of coercing it', async () => {
    const { token } = await t.login('dave');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: auth(token), payload: { amount: '100' } });
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers UNAUTHENTICATED without a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/wallet' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('shows profile, balance and usage on /v1/me', async () => {
    const { token } = await t.login('erin', { name: '小红' });
    const me = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: auth(token) })).json();
    expect(me.user).toMatchObject({ name: '小红', tier: 'personal', role: 'user' });
    expect(me.usage).toMatchObject({ singleLimit: 20_000, dailyLimit: 100_000, usedToday: 0, remainingToday: 100_000 });
  });
});
