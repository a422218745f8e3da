import { formatFen, parseCodeUrl, verifyFairness } from '@hongbao/sdk';
import { signRequest } from '../src/core/signing';
import { canonicalRequest } from '@hongbao/protocol';
import { createHash, createHmac } from 'node:crypto';

describe('parseCodeUrl', () => {
  it('reads the token and base URL of a code URL', () => {
    expect(parseCodeUrl('https://hb.example.com/c/AbC_123-x')).toEqual({ token: 'AbC_123-x', baseURL: 'https://hb.example.com' });
    expect(parseCodeUrl('http://127.0.0.1:8080/prefix/c/tok?from=qr#x')).toEqual({ token: 'tok', baseURL: 'http://127.0.0.1:8080/prefix' });
    expect(parseCodeUrl('  https://hb.example.com/c/tok/  ')).toEqual({ token: 'tok', baseURL: 'https://hb.example.com' });
  });

  it('reads a percent-encoded URL, as a mini-program gets it in its q launch parameter', () => {
    expect(parseCodeUrl(encodeURIComponent('https://hb.example.com/c/AbC'))).toEqual({ token: 'AbC', baseURL: 'https://hb.example.com' });
  });

  it('accepts a bare token', () => {
    expect(parseCodeUrl('AbC_123-x')).toEqual({ token: 'AbC_123-x', baseURL: null });
  });

  it('returns null for anything else', () => {
    for (const text of ['', 'https://hb.example.com/x/tok', 'https://hb.example.com/c/', 'ftp://x/c/tok', 'https://hb.example.com/c/to ken', 'not a token!']) {
      expect(parseCodeUrl(text)).toBeNull();
    }
  });
});

describe('verifyFairness', () => {
  const salt = 'ab'.repeat(32);
  const shares = [120, 33, 847];
  const commitment = createHash('sha256').update(`${salt}:${shares.join(',')}`).digest('hex');

  it('accepts the salt and shares behind a commitment', () => {
    expect(verifyFairness(commitment, salt, shares)).toBe(true);
    expect(verifyFairness(commitment.toUpperCase(), salt, shares)).toBe(true);
  });

  it('rejects changed shares, order or salt', () => {
    expect(verifyFairness(commitment, salt, [121, 33, 846])).toBe(false);
    expect(verifyFairness(commitment, salt, [33, 120, 847])).toBe(false);
    expect(verifyFairness(commitment, 'cd'.repeat(32), shares)).toBe(false);
  });
});

describe('formatFen', () => {
  it('is the protocol helper', () => {
    expect(formatFen(12345)).toBe('¥123.45');
  });
});

describe('merchant signing with crypto-js', () => {
  it('matches node:crypto HMAC-SHA256 over the canonical request, Chinese text included', () => {
    const body = JSON.stringify({ mode: 'random', total: 888, count: 3, message: '恭喜发财，大吉大利' });
    const header = signRequest({ appId: 'app_1', secret: '密钥-secret', method: 'post', target: '/v1/packets?x=1', body, timestamp: 1767225600, nonce: 'n0nce' });
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const expected = createHmac('sha256', '密钥-secret').update(canonicalRequest('POST', '/v1/packets?x=1', '1767225600', 'n0nce', bodyHash)).digest('hex');
    expect(header).toBe(`HB-HMAC-SHA256 appId="app_1",timestamp="1767225600",nonce="n0nce",signature="${expected}"`);
  });

  it('uses a fresh nonce each time', () => {
    const input = { appId: 'a', secret: 's', method: 'GET', target: '/v1/me', body: '', timestamp: 1 };
    expect(signRequest(input)).not.toBe(signRequest(input));
  });
});
