import { constructEvent, generateTestHeader, isSignatureVerificationError, SignatureVerificationError, webhooks } from '@hongbao/sdk';
import { createHmac } from 'node:crypto';

const secret = 'whsec_测试';
const payload = JSON.stringify({ id: 'evt_1', type: 'payment.received', createdAt: '2026-01-01T00:00:00.000Z', data: { amount: 8800, message: '新婚快乐' } });
const now = Date.UTC(2026, 0, 1) ;
const t = Math.floor(now / 1000);
/** The signature a server computes with node:crypto over `<t>.<raw body>`. */
const serverSignature = (body: string | Buffer, timestamp = t, key = secret) => createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex');

describe('webhooks.constructEvent', () => {
  it('accepts a delivery signed over "<t>.<raw body>" and returns the parsed event', () => {
    const header = `t=${t},v1=${serverSignature(payload)}`;
    const event = constructEvent(payload, { 'hongbao-signature': header }, secret, { now });
    expect(event).toEqual(JSON.parse(payload));
  });

  it('accepts the raw body as bytes (a Buffer), header names in any case, and fetch-style Headers', () => {
    const bytes = Buffer.from(payload, 'utf8');
    const header = `t=${t},v1=${serverSignature(bytes)}`;
    expect(constructEvent(bytes, { 'Hongbao-Signature': header }, secret, { now }).type).toBe('payment.received');
    expect(constructEvent(payload, new Headers({ 'Hongbao-Signature': header }), secret, { now }).id).toBe('evt_1');
    expect(constructEvent(payload, header, secret, { now }).id).toBe('evt_1');
  });

  it('accepts any matching v1 signature, for secret rotation', () => {
    const header = `t=${t},v1=${serverSignature(payload, t, 'old-secret')},v1=${serverSignature(payload)}`;
    expect(constructEvent(payload, header, secret, { now }).id).toBe('evt_1');
  });

  it('rejects a body that was re-serialized, saying to pass the raw body', () => {
    const header = `t=${t},v1=${serverSignature(payload)}`;
    const reserialized = JSON.stringify(JSON.parse(payload), null, 2);
    expect(() => constructEvent(reserialized, header, secret, { now })).toThrow(/raw body exactly as received/);
  });

  it('rejects a parsed object instead of the raw body, saying how to get the raw body', () => {
    const header = `t=${t},v1=${serverSignature(payload)}`;
    expect(() => constructEvent(JSON.parse(payload), header, secret, { now })).toThrow(/not the parsed object.*express\.raw/);
  });

  it('rejects a timestamp outside the tolerance', () => {
    const old = t - 301;
    const header = `t=${old},v1=${serverSignature(payload, old)}`;
    expect(() => constructEvent(payload, header, secret, { now })).toThrow(/outside the tolerance of 300 s/);
    expect(constructEvent(payload, header, secret, { now, tolerance: 600 }).id).toBe('evt_1');
  });

  it('rejects a wrong secret, a missing header and a malformed header', () => {
    const header = `t=${t},v1=${serverSignature(payload)}`;
    expect(() => constructEvent(payload, header, 'other', { now })).toThrow(SignatureVerificationError);
    expect(() => constructEvent(payload, {}, secret, { now })).toThrow(/No Hongbao-Signature header/);
    expect(() => constructEvent(payload, 'v1=abc', secret, { now })).toThrow(/expected t=<unix seconds>,v1=<hex>/);
    try {
      constructEvent(payload, header, 'other', { now });
    } catch (error) {
      expect(isSignatureVerificationError(error)).toBe(true);
    }
  });
});

describe('webhooks.generateTestHeader', () => {
  it('produces the header a server would send, which constructEvent accepts', () => {
    const header = generateTestHeader({ payload, secret, timestamp: t });
    expect(header).toBe(`t=${t},v1=${serverSignature(payload)}`);
    expect(webhooks.constructEvent(payload, { [webhooks.signatureHeader]: header }, secret, { now }).id).toBe('evt_1');
  });

  it('defaults the timestamp to now', () => {
    const header = generateTestHeader({ payload, secret });
    expect(constructEvent(payload, header, secret).id).toBe('evt_1');
  });
});
