import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  CodeKey,
  TokenInvalidError,
  TokenPayload,
  TokenScheme,
  decodeToken,
  encodeToken,
  generateCodeKey,
  isCodeId,
  newCodeId,
  readTokenHeader,
  schemeForTier,
  verifyTokenSignature,
} from '../src/codes/token-codec';

const SCHEMES: TokenScheme[] = ['aes-gcm', 'sm4-ctr-hmac-sm3', 'aes-gcm-ed25519'];

// One key per scheme, all under the same kid, so cross-scheme confusion is exercised too.
const KID = 7;
const keys = new Map<TokenScheme, CodeKey>(SCHEMES.map((s) => [s, generateCodeKey(s, KID)]));
const lookup = (scheme: TokenScheme, kid: number): CodeKey | undefined => {
  const k = keys.get(scheme);
  return k && k.kid === kid ? k : undefined;
};

function samplePayload(over: Partial<TokenPayload> = {}): TokenPayload {
  return {
    codeId: newCodeId(randomBytes(12)),
    kind: 'claim',
    version: 3,
    issuedAt: 1_700_000_000,
    expiresAt: 1_700_000_120,
    nonce: randomBytes(8),
    ...over,
  };
}

const payloadArb: fc.Arbitrary<TokenPayload> = fc.record({
  codeId: fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => newCodeId(Buffer.from(b))),
  kind: fc.constantFrom<'claim' | 'collect'>('claim', 'collect'),
  version: fc.nat({ max: 0xffffffff }),
  issuedAt: fc.nat({ max: 0xffffffff }),
  expiresAt: fc.nat({ max: 0xffffffff }),
  nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b)),
});

function expectInvalid(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TokenInvalidError);
  expect((caught as TokenInvalidError).code).toBe('CODE_INVALID');
}

// Measured once so the titles below report real lengths.
const lengths = Object.fromEntries(
  SCHEMES.map((s) => [s, encodeToken(samplePayload(), keys.get(s)!).length]),
) as Record<TokenScheme, number>;

describe('code ids', () => {
  it('are cd_ plus 16 base64url chars built from 12 bytes', () => {
    const id = newCodeId(Buffer.alloc(12, 0xff));
    expect(id).toBe('cd_________________');
    expect(isCodeId(id)).toBe(true);
    expect(isCodeId(newCodeId())).toBe(true);
  });

  it('reject other shapes', () => {
    for (const s of ['', 'cd_', 'cd_abc', 'xx_AAAAAAAAAAAAAAAA', 'cd_AAAAAAAAAAAAAAA=', 'cd_AAAAAAAAAAAAAAAAA', 42]) {
      expect(isCodeId(s)).toBe(false);
    }
    expect(() => newCodeId(Buffer.alloc(11))).toThrow(RangeError);
  });
});

describe('schemeForTier', () => {
  it('maps personal, enterprise and provider to AES-GCM, SM4 and AES-GCM+Ed25519', () => {
    expect(schemeForTier('personal')).toBe('aes-gcm');
    expect(schemeForTier('enterprise')).toBe('sm4-ctr-hmac-sm3');
    expect(schemeForTier('provider')).toBe('aes-gcm-ed25519');
  });
});

describe('SM4 primitive', () => {
  it('node:crypto sm4-ecb matches the GB/T 32907 test vector, so the cipher is real SM4', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ecb', key, null);
    c.setAutoPadding(false);
    const ct = Buffer.concat([c.update(key), c.final()]);
    expect(ct.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });
});

describe.each(SCHEMES)('%s tokens', (scheme) => {
  const key = keys.get(scheme)!;

  it('round-trip any payload', () => {
    fc.assert(
      fc.property(payloadArb, (p) => {
        const token = encodeToken(p, key);
        expect(decodeToken(token, lookup)).toEqual(p);
        expect(readTokenHeader(token)).toEqual({ scheme, kid: KID });
      }),
      { numRuns: 200 },
    );
  });

  it('are URL-safe and differ each time for the same payload (random IV)', () => {
    const p = samplePayload();
    const a = encodeToken(p, key);
    const b = encodeToken(p, key);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a.length).toBe(lengths[scheme]);
  });

  it('are rejected when any single bit of the token bytes is flipped', () => {
    const bytes = Buffer.from(encodeToken(samplePayload(), key), 'base64url');
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const t = Buffer.from(bytes);
      t[bit >> 3] ^= 1 << (bit & 7);
      expectInvalid(() => decodeToken(t.toString('base64url'), lookup));
    }
  });

  it('are rejected when their kid is unknown', () => {
    const other = generateCodeKey(scheme, KID + 1);
    const token = encodeToken(samplePayload(), other);
    expectInvalid(() => decodeToken(token, lookup));
  });

  it('from another key with the same kid are rejected', () => {
    const impostor = generateCodeKey(scheme, KID);
    const token = encodeToken(samplePayload(), impostor);
    expectInvalid(() => decodeToken(token, lookup));
  });

  it('are rejected when the lookup files a key of another scheme under this scheme', () => {
    const token = encodeToken(samplePayload(), key);
    const wrong = keys.get(scheme === 'aes-gcm' ? 'sm4-ctr-hmac-sm3' : 'aes-gcm')!;
    expectInvalid(() => decodeToken(token, () => wrong));
  });

  it('are rejected when truncated, extended or re-encoded non-canonically', () => {
    const token = encodeToken(samplePayload(), key);
    expectInvalid(() => decodeToken(token.slice(0, -1), lookup));
    expectInvalid(() => decodeToken(token + 'A', lookup));
    expectInvalid(() => decodeToken(token + '=', lookup));
    // Same bytes, different spelling: the last char carries unused low bits.
    const last = token[token.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    const variant = token.slice(0, -1) + sibling;
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expectInvalid(() => decodeToken(variant, lookup));
  });
});

describe('decodeToken on garbage', () => {
  it('rejects malformed strings with TokenInvalidError', () => {
    for (const s of ['', 'A', 'AAAA', '!!!!', 'not a token', 'a'.repeat(86), 'a'.repeat(5000), 'AQAH', '%2F%2F']) {
      expectInvalid(() => decodeToken(s, lookup));
    }
    expectInvalid(() => decodeToken(undefined as unknown as string, lookup));
  });

  it('rejects any random string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expectInvalid(() => decodeToken(s, lookup));
      }),
    );
  });

  it('rejects random bytes behind a valid header of every scheme', () => {
    for (const [id, bodyLen] of [
      [1, 61],
      [2, 65],
      [3, 125],
    ]) {
      const bytes = Buffer.concat([Buffer.from([id, 0, KID]), randomBytes(bodyLen)]);
      expectInvalid(() => decodeToken(bytes.toString('base64url'), lookup));
    }
  });

  it('rejects an unknown scheme byte', () => {
    const bytes = Buffer.from(encodeToken(samplePayload(), keys.get('aes-gcm')!), 'base64url');
    bytes[0] = 9;
    expectInvalid(() => decodeToken(bytes.toString('base64url'), lookup));
  });

  it('rejects a genuinely sealed token whose kind byte is neither claim nor collect', () => {
    // Built by hand with the real key, so only the kind check can catch it.
    const key = keys.get('aes-gcm')!;
    const header = Buffer.from([1, 0, KID]);
    const plaintext = Buffer.alloc(33);
    plaintext[0] = 9;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key.secret, iv);
    c.setAAD(header);
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    const token = Buffer.concat([header, iv, ct, c.getAuthTag()]).toString('base64url');
    expectInvalid(() => decodeToken(token, lookup));
    plaintext[0] = 2; // the same construction with a valid kind decodes, so the layout is right
    const c2 = createCipheriv('aes-256-gcm', key.secret, iv);
    c2.setAAD(header);
    const ct2 = Buffer.concat([c2.update(plaintext), c2.final()]);
    const good = Buffer.concat([header, iv, ct2, c2.getAuthTag()]).toString('base64url');
    expect(decodeToken(good, lookup).kind).toBe('collect');
  });

  it('lets errors from the key lookup itself propagate (a store outage is not a bad token)', () => {
    const token = encodeToken(samplePayload(), keys.get('aes-gcm')!);
    expect(() =>
      decodeToken(token, () => {
        throw new Error('db down');
      }),
    ).toThrow('db down');
  });
});

describe('offline signature check for provider tokens', () => {
  const key = keys.get('aes-gcm-ed25519')!;

  it('accepts a genuine provider token with only the public key', () => {
    const token = encodeToken(samplePayload(), key);
    expect(verifyTokenSignature(token, key.publicKey!)).toBe(true);
  });

  it('rejects a tampered token, every bit position', () => {
    const bytes = Buffer.from(encodeToken(samplePayload(), key), 'base64url');
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const t = Buffer.from(bytes);
      t[bit >> 3] ^= 1 << (bit & 7);
      expect(verifyTokenSignature(t.toString('base64url'), key.publicKey!)).toBe(false);
    }
  });

  it('rejects a token signed by another key pair and tokens of other schemes', () => {
    const token = encodeToken(samplePayload(), key);
    expect(verifyTokenSignature(token, generateCodeKey('aes-gcm-ed25519', KID).publicKey!)).toBe(false);
    expect(verifyTokenSignature(encodeToken(samplePayload(), keys.get('aes-gcm')!), key.publicKey!)).toBe(false);
    expect(verifyTokenSignature('garbage', key.publicKey!)).toBe(false);
  });

  it('throws for a public key that is not Ed25519 (configuration error, not a bad token)', () => {
    expect(() => verifyTokenSignature('x', 'not a pem')).toThrow();
  });
});

describe('encodeToken input checks', () => {
  it('refuses malformed payloads and keys with programming errors, not TokenInvalidError', () => {
    const key = keys.get('aes-gcm')!;
    expect(() => encodeToken(samplePayload({ codeId: 'nope' }), key)).toThrow(TypeError);
    expect(() => encodeToken(samplePayload({ kind: 'other' as 'claim' }), key)).toThrow(TypeError);
    expect(() => encodeToken(samplePayload({ version: -1 }), key)).toThrow(RangeError);
    expect(() => encodeToken(samplePayload({ expiresAt: 2 ** 32 }), key)).toThrow(RangeError);
    expect(() => encodeToken(samplePayload({ nonce: Buffer.alloc(7) }), key)).toThrow(RangeError);
    expect(() => encodeToken(samplePayload(), { ...key, secret: Buffer.alloc(16) })).toThrow(RangeError);
    expect(() => encodeToken(samplePayload(), { ...key, kid: 70000 })).toThrow(RangeError);
    const provider = keys.get('aes-gcm-ed25519')!;
    expect(() => encodeToken(samplePayload(), { ...provider, privateKey: undefined })).toThrow(TypeError);
  });
});

describe('token length (QR payload size)', () => {
  it(`aes-gcm is ${lengths['aes-gcm']} chars and sm4-ctr-hmac-sm3 is ${lengths['sm4-ctr-hmac-sm3']} chars, both under 100`, () => {
    expect(lengths['aes-gcm']).toBeLessThan(100);
    expect(lengths['sm4-ctr-hmac-sm3']).toBeLessThan(100);
  });

  it(`aes-gcm-ed25519 is ${lengths['aes-gcm-ed25519']} chars (the 64-byte signature is the price of offline checks)`, () => {
    expect(lengths['aes-gcm-ed25519']).toBeLessThan(180);
  });
});
