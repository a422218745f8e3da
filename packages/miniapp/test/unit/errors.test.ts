import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@hongbao/sdk';
import { ERRORS, ERROR_CODES } from '@hongbao/protocol/src/errors';
import { describeError, earlierClaimOf, messageForCode } from '../../src/lib/errors';

const apiError = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  APIError.from(status, { error: { code, message: 'server text', requestId: 'req_1', ...extra } });

describe('error messages', () => {
  test('has a Chinese and an English message for every protocol error code', () => {
    for (const code of ERROR_CODES) {
      expect(messageForCode(code, 'zh')).toMatch(/[\u4e00-\u9fff]/);
      expect(messageForCode(code, 'en')).toMatch(/[A-Za-z]/);
    }
  });

  test('takes the protocol wording by default, in the chosen language', () => {
    expect(describeError(apiError(402, 'INSUFFICIENT_FUNDS'), 'zh').message).toBe(ERRORS.INSUFFICIENT_FUNDS.zh);
    expect(describeError(apiError(402, 'INSUFFICIENT_FUNDS'), 'en').message).toBe(ERRORS.INSUFFICIENT_FUNDS.en);
  });

  test('gives exhausted, expired, revoked and invalid codes each their own message', () => {
    const codes = ['PACKET_EXHAUSTED', 'PACKET_EXPIRED', 'CODE_EXPIRED', 'CODE_INVALID', 'CODE_REVOKED'];
    const zh = codes.map((code) => describeError(apiError(409, code), 'zh').message);
    expect(new Set(zh).size).toBe(codes.length);
    expect(zh[0]).toContain('手慢了');
    expect(describeError(apiError(410, 'CODE_EXPIRED'), 'en').message).toMatch(/fresh one/);
  });

  test('asks for a new login only on UNAUTHENTICATED', () => {
    expect(describeError(apiError(401, 'UNAUTHENTICATED'), 'zh').needsLogin).toBe(true);
    expect(describeError(apiError(403, 'FORBIDDEN'), 'zh').needsLogin).toBe(false);
  });

  test('words connection failures and timeouts without a server code, as retryable', () => {
    const network = describeError(new APIConnectionError(), 'zh');
    expect(network).toMatchObject({ kind: 'network', retryable: true });
    expect(network.message).toContain('网络');
    expect(describeError(new APIConnectionTimeoutError(), 'en')).toMatchObject({ kind: 'timeout', message: 'The request timed out. Please retry.' });
    expect(describeError(new Error('boom'), 'en')).toMatchObject({ kind: 'unknown', retryable: false });
  });

  test('reads the earlier claim out of ALREADY_CLAIMED', () => {
    const error = apiError(409, 'ALREADY_CLAIMED', { claim: { id: 'clm_1', packetId: 'pkt_1', amount: 321 } });
    expect(earlierClaimOf(error)).toEqual({ amount: 321, packetId: 'pkt_1' });
    expect(earlierClaimOf(apiError(409, 'PACKET_EXHAUSTED'))).toBeNull();
  });
});
