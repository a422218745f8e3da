import type { TestApp } from '../src/testing/harness';
import { freshAppPerTest } from './helpers/fresh-app';
import { call, createCollectCode, pay, snapshot, type Caller } from './helpers/codes';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

const walletOf = async (caller: Caller) => (await call(t, caller, 'GET', '/v1/wallet')).body.wallet;

async function people(payerFunds = 100_000) {
  const owner = await t.login('owner', { name: '店主老王' });
  const payer = await t.login('payer', { name: '张三丰' });
  if (payerFunds > 0) await t.topup(payer.token, payerFunds);
  return { owner, payer };
}

/** Expects `request` to fail with `code` and to leave every balance, limit and code untouched. */
async function expectRejected(request: () => Promise<{ status: number; body: any }>, code: string, status: number) {
  const before = await snapshot(t);
  const answer = await request();
  expect(answer.body.error?.code).toBe(code);
  expect(answer.status).toBe(status);
  expect(await snapshot(t)).toEqual(before);
  return answer.body.error;
}

describe('paying into a collect code', () => {
  it('moves the money straight into a personal owner’s wallet without a fee', async () => {
    const { owner, payer } = await people(10_000);
    const code = await createCollectCode(t, owner.token);
    const answer = await pay(t, payer.token, code.token, { amount: 1_234, message: '生意兴隆' });
    expect(answer.status).toBe(201);
    expect(answer.body.payment).toEqual({
      id: expect.stringMatching(/^pay_/),
      codeId: code.id,
      payerId: payer.userId,
      payerName: '张**',
      payeeId: owner.userId,
      amount: 1_234,
      fee: 0,
      message: '生意兴隆',
      status: 'completed',
      createdAt: expect.any(String),
    });
    expect(await walletOf(payer.token)).toMatchObject({ balance: 8_766, pendingSettlement: 0 });
    expect(await walletOf(owner.token)).toMatchObject({ balance: 1_234, pendingSettlement: 0 });
  });

  it('holds an enterprise owner’s receipts pending settlement and records the 0.6% fee', async () => {
    const { payer } = await people();
    const merchant = await t.merchant({ tier: 'enterprise', name: '好再来餐厅' });
    const code = await createCollectCode(t, merchant);
    const answer = await pay(t, payer.token, code.token, { amount: 10_000 });
    expect(answer.body.payment).toMatchObject({ amount: 10_000, fee: 60, status: 'pending_settlement', payeeId: merchant.accountId });
    expect(await walletOf(merchant)).toMatchObject({ balance: 0, pendingSettlement: 10_000 });
    expect(await walletOf(payer.token)).toMatchObject({ balance: 90_000 });
  });

  it('charges a provider its own contract rate', async () => {
    const { payer } = await people();
    const provider = await t.merchant({ tier: 'provider', name: '聚合服务商', feeRate: 0.008 });
    const code = await createCollectCode(t, provider);
    expect((await pay(t, payer.token, code.token, { amount: 12_345 })).body.payment).toMatchObject({ fee: 99, status: 'pending_settlement' });
  });

  it('takes the code’s fixed amount when the payer sends none or the same one', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token, { fixedAmount: 888 });
    expect((await pay(t, payer.token, code.token)).body.payment.amount).toBe(888);
    expect((await pay(t, payer.token, code.token, { amount: 888 })).body.payment.amount).toBe(888);
    expect(await walletOf(owner.token)).toMatchObject({ balance: 1_776 });
  });

  it('rejects a different amount on a fixed-amount code naming amount', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token, { fixedAmount: 888 });
    const error = await expectRejected(() => pay(t, payer.token, code.token, { amount: 999 }), 'VALIDATION_FAILED', 400);
    expect(error.field).toBe('amount');
  });

  it('requires an amount on a code without a fixed amount', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    const error = await expectRejected(() => pay(t, payer.token, code.token), 'VALIDATION_FAILED', 400);
    expect(error.field).toBe('amount');
  });

  it('uses the code’s scene blessing when the payer writes none', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token, { scene: 'wedding' });
    expect((await pay(t, payer.token, code.token, { amount: 20_000 })).body.payment.message).toBe('百年好合，早生贵子');
  });

  it('answers INSUFFICIENT_FUNDS and changes nothing when the wallet is short', async () => {
    const { owner, payer } = await people(500);
    const code = await createCollectCode(t, owner.token);
    await expectRejected(() => pay(t, payer.token, code.token, { amount: 501 }), 'INSUFFICIENT_FUNDS', 402);
    expect((await call(t, payer.token, 'GET', '/v1/me')).body.usage.usedToday).toBe(0);
  });

  it('answers LIMIT_SINGLE_EXCEEDED above the payer’s single limit', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    await expectRejected(() => pay(t, payer.token, code.token, { amount: 20_001 }), 'LIMIT_SINGLE_EXCEEDED', 422);
    expect((await pay(t, payer.token, code.token, { amount: 20_000 })).status).toBe(201);
  });

  it('answers LIMIT_DAILY_EXCEEDED once the day’s outgoing total would pass the limit', async () => {
    const { owner, payer } = await people(200_000);
    const code = await createCollectCode(t, owner.token);
    for (const amount of [20_000, 19_999, 20_000, 19_999, 20_000]) expect((await pay(t, payer.token, code.token, { amount })).status).toBe(201);
    await expectRejected(() => pay(t, payer.token, code.token, { amount: 3 }), 'LIMIT_DAILY_EXCEEDED', 422);
    expect((await pay(t, payer.token, code.token, { amount: 2 })).status).toBe(201);
  });

  it('answers BANNED_WORDS for a marketing word in the message', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    const error = await expectRejected(() => pay(t, payer.token, code.token, { amount: 100, message: '扫码全额返现' }), 'BANNED_WORDS', 422);
    expect(error.field).toBe('message');
  });

  it('refuses a payment into one’s own code', async () => {
    const { owner } = await people(0);
    await t.topup(owner.token, 10_000);
    const code = await createCollectCode(t, owner.token);
    await expectRejected(() => pay(t, owner.token, code.token, { amount: 100 }), 'FORBIDDEN', 403);
  });

  it('pays once for a repeated Idempotency-Key', async () => {
    const { owner, payer } = await people(10_000);
    const code = await createCollectCode(t, owner.token);
    const headers = { 'idempotency-key': 'pay-1' };
    const first = await pay(t, payer.token, code.token, { amount: 700 }, headers);
    const second = await pay(t, payer.token, code.token, { amount: 700 }, headers);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await walletOf(payer.token)).toMatchObject({ balance: 9_300 });
    expect((await pay(t, payer.token, code.token, { amount: 701 }, headers)).body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });
});

describe('same-amount circuit breaker', () => {
  it('accepts the 5th equal payment in a row, then freezes the code so the 6th gets CODE_FROZEN', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    for (let i = 0; i < 5; i++) expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    const frozen = (await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}`)).body.code;
    expect(frozen).toMatchObject({ status: 'frozen', version: 6 });
    expect(await walletOf(owner.token)).toMatchObject({ balance: 500 });

    await expectRejected(() => pay(t, payer.token, code.token, { amount: 100 }), 'CODE_FROZEN', 423);
    await expectRejected(() => pay(t, payer.token, code.token, { amount: 250 }), 'CODE_FROZEN', 423);
    expect((await call(t, owner.token, 'POST', `/v1/codes/${code.id}/refresh`)).body.error.code).toBe('CODE_FROZEN');
  });

  it('starts the streak over when a different amount comes in between', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    for (const amount of [100, 100, 100, 100, 200, 100, 100, 100, 100]) expect((await pay(t, payer.token, code.token, { amount })).status).toBe(201);
    expect((await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}`)).body.code.status).toBe('active');
    expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    expect((await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}`)).body.code.status).toBe('frozen');
  });

  it('lets the owner unfreeze, and then needs five new equal payments to freeze again', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    for (let i = 0; i < 5; i++) await pay(t, payer.token, code.token, { amount: 100 });
    const unfrozen = await call(t, owner.token, 'POST', `/v1/codes/${code.id}/unfreeze`);
    expect(unfrozen.status).toBe(200);
    expect(unfrozen.body.code).toMatchObject({ status: 'active', version: 7 });
    for (let i = 0; i < 4; i++) expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    expect((await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}`)).body.code.status).toBe('active');
  });

  it('lets an admin unfreeze but not another user, and leaves an active code’s streak alone', async () => {
    const { owner, payer } = await people();
    const admin = await t.login('admin');
    await t.database.run("UPDATE accounts SET role = 'admin' WHERE id = ?", admin.userId);
    const code = await createCollectCode(t, owner.token);
    for (let i = 0; i < 4; i++) await pay(t, payer.token, code.token, { amount: 100 });
    const unchanged = await call(t, owner.token, 'POST', `/v1/codes/${code.id}/unfreeze`);
    expect(unchanged.body.code).toMatchObject({ status: 'active', version: 5 });
    await pay(t, payer.token, code.token, { amount: 100 });

    await expectRejected(() => call(t, payer.token, 'POST', `/v1/codes/${code.id}/unfreeze`), 'FORBIDDEN', 403);
    const byAdmin = await call(t, admin.token, 'POST', `/v1/codes/${code.id}/unfreeze`);
    expect(byAdmin.body.code.status).toBe('active');
    expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
  });
});

describe('listing payments', () => {
  it('lists payments newest first with masked names, pages with a cursor and carries the code version', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    for (const amount of [101, 102, 103]) await pay(t, payer.token, code.token, { amount });
    const first = await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}/payments?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((p: { amount: number }) => p.amount)).toEqual([103, 102]);
    expect(first.body.data[0].payerName).toBe('张**');
    expect(first.body.version).toBe(4);
    const second = await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}/payments?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((p: { amount: number }) => p.amount)).toEqual([101]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows a code’s payments to its owner only', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    expect((await call(t, payer.token, 'GET', `/v1/collect-codes/${code.id}/payments`)).body.error.code).toBe('FORBIDDEN');
    expect((await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}/payments?cursor=abc`)).body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
  });

  it('wakes a long-poll of the payments when a payment arrives', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    let answered = false;
    const polling = call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}/payments?wait=10&version=1`).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    await pay(t, payer.token, code.token, { amount: 520, message: '新婚快乐' });
    const answer = await polling;
    expect(answer.body.version).toBe(2);
    expect(answer.body.data).toEqual([expect.objectContaining({ amount: 520, message: '新婚快乐' })]);
  });

  it('answers a long-poll with no change when the wait runs out', async () => {
    const { owner } = await people(0);
    const code = await createCollectCode(t, owner.token);
    const answer = await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}/payments?wait=1&version=1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: [], nextCursor: null, version: 1 });
  });

  it('does not wake a long-poll for a rejected payment', async () => {
    const { owner, payer } = await people(100);
    const code = await createCollectCode(t, owner.token);
    const started = Date.now();
    const polling = call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}/payments?wait=1&version=1`);
    expect((await pay(t, payer.token, code.token, { amount: 5_000 })).body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect((await polling).body).toMatchObject({ data: [], version: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
