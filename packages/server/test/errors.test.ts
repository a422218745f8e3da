import { createTestApp, type TestApp } from '../src/testing/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ config: { bodyLimit: 2048 } });
});
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

describe('error handling', () => {
  it('answers an unknown route with NOT_FOUND in the protocol body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), requestId: expect.stringMatching(/^req_/) } });
    expect(res.headers['x-request-id']).toBe(res.json().error.requestId);
  });

  it('answers malformed JSON with VALIDATION_FAILED', async () => {
    const { token } = await t.login('alice');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"amount": 1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
  });

  it('names an unknown field', async () => {
    const { token } = await t.login('alice');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: `Bearer ${token}` }, payload: { amount: 1, bonus: 5 } });
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'bonus' });
  });

  it('names a missing field', async () => {
    const { token } = await t.login('alice');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'amount' });
  });

  it('rejects a body over the size limit with PAYLOAD_TOO_LARGE', async () => {
    const { token } = await t.login('alice');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ amount: 1, pad: 'x'.repeat(4096) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects a non-JSON content type', async () => {
    const { token } = await t.login('alice');
    const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/topups', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, payload: 'amount=1' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects a bad query value with the field named', async () => {
    const { token } = await t.login('alice');
    const res = await t.app.inject({ method: 'GET', url: '/v1/wallet/entries?limit=1000', headers: { authorization: `Bearer ${token}` } });
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
  });

  it('hides the details of an unexpected failure behind INTERNAL', async () => {
    t.app.get('/v1/test-boom', { config: { auth: 'public' } }, async () => {
      throw new Error('database password is hunter2');
    });
    const res = await t.app.inject({ method: 'GET', url: '/v1/test-boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL');
    expect(res.body).not.toContain('hunter2');
  });
});
