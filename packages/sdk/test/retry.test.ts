import { APIConnectionError, APIError, APIUserAbortError, calculateRetryDelay, type RetryInput } from '@hongbao/sdk';

const answer = (status: number, code = 'INTERNAL', headers: Record<string, string> = {}) => APIError.from(status, { error: { code, message: 'x', requestId: 'r' } }, headers);
const input = (overrides: Partial<RetryInput>): RetryInput => ({
  retriesSoFar: 0,
  maxRetries: 2,
  method: 'GET',
  idempotencyKey: undefined,
  error: new APIConnectionError(),
  random: 0,
  ...overrides,
});

describe('calculateRetryDelay', () => {
  it('stops when the retries are used up', () => {
    expect(calculateRetryDelay(input({ retriesSoFar: 2 }))).toBeNull();
  });

  it('never retries a POST without an idempotency key, even after a connection error', () => {
    expect(calculateRetryDelay(input({ method: 'POST' }))).toBeNull();
    expect(calculateRetryDelay(input({ method: 'POST', idempotencyKey: 'k' }))).toBe(500);
  });

  it('does not retry an abort', () => {
    expect(calculateRetryDelay(input({ error: new APIUserAbortError() }))).toBeNull();
  });

  it.each([408, 429, 500, 502, 503])('retries status %i', (status) => {
    expect(calculateRetryDelay(input({ error: answer(status) }))).toBe(500);
  });

  it.each([400, 401, 402, 403, 404, 410, 422, 423])('does not retry status %i', (status) => {
    expect(calculateRetryDelay(input({ error: answer(status, 'VALIDATION_FAILED') }))).toBeNull();
  });

  it('retries a 409 unless it is a final business answer', () => {
    expect(calculateRetryDelay(input({ error: answer(409, 'LOCK_CONFLICT') }))).toBe(500);
    for (const code of ['ALREADY_CLAIMED', 'PACKET_EXHAUSTED', 'IDEMPOTENCY_CONFLICT']) {
      expect(calculateRetryDelay(input({ error: answer(409, code) }))).toBeNull();
    }
  });

  it('honours Retry-After in seconds, as an HTTP date and as retry-after-ms', () => {
    expect(calculateRetryDelay(input({ error: answer(429, 'RATE_LIMITED', { 'retry-after': '7' }) }))).toBe(7000);
    expect(calculateRetryDelay(input({ error: answer(503, 'INTERNAL', { 'retry-after-ms': '1234' }) }))).toBe(1234);
    const date = new Date(Date.now() + 10_000).toUTCString();
    const delay = calculateRetryDelay(input({ error: answer(429, 'RATE_LIMITED', { 'retry-after': date }) }))!;
    expect(delay).toBeGreaterThan(8000);
    expect(delay).toBeLessThanOrEqual(10_000);
  });

  it('ignores a Retry-After over 60 seconds and backs off instead', () => {
    expect(calculateRetryDelay(input({ error: answer(429, 'RATE_LIMITED', { 'retry-after': '61' }) }))).toBe(500);
    expect(calculateRetryDelay(input({ error: answer(429, 'RATE_LIMITED', { 'retry-after': '60' }) }))).toBe(60_000);
  });

  it('backs off exponentially up to a cap, with up to 25% jitter', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((retriesSoFar) => calculateRetryDelay(input({ retriesSoFar, maxRetries: 10 })));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(calculateRetryDelay(input({ random: 0.999999 }))).toBe(375);
  });
});
