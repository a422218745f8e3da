import {
  canonicalRequest,
  clampRecommendation,
  ERROR_CODES,
  ERRORS,
  fairnessPreimage,
  formatAuthorization,
  parseAuthorization,
  SCENES,
  TIER_POLICIES,
} from '../src';

describe('tier policies', () => {
  it('match the defaults of SPEC section 2', () => {
    expect(TIER_POLICIES.personal).toMatchObject({ singleLimit: 20_000, dailyLimit: 100_000, apiAccess: 'none', codeTtlSeconds: 120, maxCount: 100, riskLevel: 3 });
    expect(TIER_POLICIES.enterprise).toMatchObject({ singleLimit: 200_000, dailyLimit: 5_000_000, apiAccess: 'basic', codeTtlSeconds: 180, maxCount: 10_000 });
    expect(TIER_POLICIES.enterprise.feeRateBps).toMatchObject({ min: 60, max: 100 });
    expect(TIER_POLICIES.provider).toMatchObject({ apiAccess: 'full', codeTtlRange: { min: 30, max: 3600 } });
    expect(TIER_POLICIES.provider.feeRateBps).toMatchObject({ min: 35, max: 80 });
  });
});

describe('error codes', () => {
  it('carry the HTTP statuses of SPEC section 11', () => {
    const expected: Record<string, number> = {
      VALIDATION_FAILED: 400, CODE_INVALID: 400, UNAUTHENTICATED: 401, SIGNATURE_INVALID: 401, REQUEST_EXPIRED: 401, REPLAYED: 401,
      INSUFFICIENT_FUNDS: 402, FORBIDDEN: 403, TIER_API_FORBIDDEN: 403, RISK_BLOCKED: 403, NOT_RECIPIENT: 403, OUT_OF_AREA: 403,
      DEVICE_ACCOUNT_LIMIT: 403, NOT_FOUND: 404, IDEMPOTENCY_CONFLICT: 409, ALREADY_CLAIMED: 409, PACKET_EXHAUSTED: 409,
      PACKET_EXPIRED: 410, CODE_EXPIRED: 410, CODE_REVOKED: 410, LIMIT_SINGLE_EXCEEDED: 422, LIMIT_DAILY_EXCEEDED: 422,
      BANNED_WORDS: 422, CODE_FROZEN: 423, RATE_LIMITED: 429, INTERNAL: 500,
    };
    for (const [code, status] of Object.entries(expected)) expect(ERRORS[code as keyof typeof ERRORS].status).toBe(status);
  });

  it('each have a Chinese and an English message', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS[code].zh).toMatch(/[\u4e00-\u9fa5]/);
      expect(ERRORS[code].en.length).toBeGreaterThan(3);
    }
  });
});

describe('request signing', () => {
  it('builds the canonical string of SPEC section 8', () => {
    expect(canonicalRequest('post', '/v1/packets?x=1', 1700000000, 'n1', 'abc')).toBe('POST\n/v1/packets?x=1\n1700000000\nn1\nabc\n');
  });

  it('formats and parses the Authorization header', () => {
    const header = formatAuthorization({ appId: 'app_1', timestamp: '1700000000', nonce: 'n-1', signature: 'ff' });
    expect(header).toBe('HB-HMAC-SHA256 appId="app_1",timestamp="1700000000",nonce="n-1",signature="ff"');
    expect(parseAuthorization(header)).toEqual({ appId: 'app_1', timestamp: '1700000000', nonce: 'n-1', signature: 'ff' });
  });

  it('rejects malformed Authorization headers', () => {
    for (const bad of ['Bearer x', 'HB-HMAC-SHA256 appId=app', 'HB-HMAC-SHA256 appId="a",timestamp="1"', 'HB-HMAC-SHA256 garbage']) {
      expect(parseAuthorization(bad)).toBeNull();
    }
  });
});

describe('scenes', () => {
  it('clamp recommendations to the sender’s single limit', () => {
    expect(clampRecommendation('wedding', TIER_POLICIES.personal.singleLimit)).toEqual({ min: 20_000, max: 20_000 });
    expect(clampRecommendation('wedding', TIER_POLICIES.enterprise.singleLimit)).toEqual({ min: 20_000, max: 50_000 });
    expect(clampRecommendation('birthday', 5_000)).toEqual({ min: 5_000, max: 5_000 });
    for (const scene of SCENES) {
      const { min, max } = clampRecommendation(scene, 1_000);
      expect(min).toBeLessThanOrEqual(max);
      expect(max).toBeLessThanOrEqual(1_000);
    }
  });
});

describe('fairness', () => {
  it('joins salt and shares exactly as the commitment format says', () => {
    expect(fairnessPreimage('ab', [1, 20, 300])).toBe('ab:1,20,300');
  });
});
