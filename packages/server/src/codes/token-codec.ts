/**
 * Dynamic-code token codec (SPEC §4): the encrypted, authenticated string a code displays inside
 * its QR URL `<public base URL>/c/<token>`. A code's id is stable; its token rotates, so the token
 * carries everything needed to check it without a database read except the key (looked up by
 * scheme + key id, so keys can rotate while old tokens stay checkable until they expire).
 *
 * Binary layout (all integers big-endian). The token is base64url, without padding, of:
 *
 *   header (3 bytes)   scheme id u8 ‖ kid u16
 *   body               depends on the scheme, see below
 *
 * Plaintext (33 bytes), identical for every scheme:
 *
 *   kind u8 (1 = claim, 2 = collect) ‖ codeId raw 12 bytes ‖ version u32 ‖ issuedAt u32
 *   ‖ expiresAt u32 ‖ nonce 8 bytes
 *
 * Schemes (SPEC §2, "code encryption" row):
 *
 *   id 1  aes-gcm            personal    body = iv 12 ‖ AES-256-GCM ct 33 ‖ tag 16, AAD = header
 *                                         → 64 bytes → 86 chars
 *   id 2  sm4-ctr-hmac-sm3   enterprise  body = iv 16 ‖ SM4-CTR ct 33 ‖ mac 16, where
 *                                         mac = HMAC-SM3(macKey, header ‖ iv ‖ ct)[0..16]
 *                                         (encrypt-then-MAC: Node's OpenSSL has no sm4-gcm)
 *                                         → 68 bytes → 91 chars
 *   id 3  aes-gcm-ed25519    provider    body = the aes-gcm body ‖ Ed25519 signature 64 over
 *                                         header ‖ aes-gcm body, so anyone holding the published
 *                                         public key can check authenticity offline
 *                                         → 128 bytes → 171 chars
 *
 * Expiry is deliberately not checked here: the caller owns the clock (and the distinct
 * CODE_EXPIRED rejection), the codec only answers "is this token genuine, and what does it say".
 */
import {
  KeyObject,
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';

/** Token encryption scheme; one per tier (see {@link schemeForTier}). */
export type TokenScheme = 'aes-gcm' | 'sm4-ctr-hmac-sm3' | 'aes-gcm-ed25519';

/** What scanning the code does: claim a packet share, or pay the code's owner. */
export type CodeKind = 'claim' | 'collect';

/** The authenticated contents of one token. */
export interface TokenPayload {
  /** Stable code id, `cd_` + 16 base64url chars (see {@link newCodeId}). */
  codeId: string;
  kind: CodeKind;
  /** Code version (uint32); bumped on revoke/re-issue so older tokens can be told apart. */
  version: number;
  /** Issue time, unix seconds (uint32). */
  issuedAt: number;
  /** Expiry, unix seconds (uint32). Not enforced by the codec; the caller compares it to its clock. */
  expiresAt: number;
  /** 8 random bytes, so two tokens for the same code and second still differ. */
  nonce: Buffer;
}

/**
 * Key material for one scheme and key id.
 * - aes-gcm: `secret` = 32-byte AES-256 key.
 * - sm4-ctr-hmac-sm3: `secret` = 48 bytes, SM4 key (16) ‖ HMAC-SM3 key (32).
 * - aes-gcm-ed25519: `secret` = 32-byte AES-256 key, plus the Ed25519 key pair as PEM
 *   (`privateKey` is needed to encode, `publicKey` to decode; the public key is what gets published).
 */
export interface CodeKey {
  scheme: TokenScheme;
  /** Key id (uint16), written in clear in the token header so the right key can be looked up. */
  kid: number;
  secret: Buffer;
  /** SPKI PEM; aes-gcm-ed25519 only. */
  publicKey?: string;
  /** PKCS#8 PEM; aes-gcm-ed25519 only. */
  privateKey?: string;
}

/**
 * Thrown by {@link decodeToken} for any token that is not genuine or not well formed. Callers map
 * it straight to the `CODE_INVALID` rejection, so it deliberately carries no detail an attacker
 * could use to tell which check failed.
 */
export class TokenInvalidError extends Error {
  readonly code = 'CODE_INVALID' as const;
  constructor() {
    super('invalid code token');
    this.name = 'TokenInvalidError';
  }
}

// ---------------------------------------------------------------------------------------------
// Code ids

const CODE_ID_PREFIX = 'cd_';
const CODE_ID_BYTES = 12;
// 12 bytes = 96 bits = exactly 16 base64url chars, so every 16-char string is canonical.
const CODE_ID_RE = /^cd_[A-Za-z0-9_-]{16}$/;

/**
 * Builds a code id from 12 random bytes (`cd_` + 16 base64url chars). The bytes are a parameter so
 * tests and imports can be deterministic; omitted, they come from the CSPRNG.
 */
export function newCodeId(bytes: Buffer = randomBytes(CODE_ID_BYTES)): string {
  if (bytes.length !== CODE_ID_BYTES) {
    throw new RangeError(`code id needs exactly ${CODE_ID_BYTES} bytes, got ${bytes.length}`);
  }
  return CODE_ID_PREFIX + bytes.toString('base64url');
}

/** True when `s` has the exact shape of a code id. */
export function isCodeId(s: unknown): s is string {
  return typeof s === 'string' && CODE_ID_RE.test(s);
}

// ---------------------------------------------------------------------------------------------
// Schemes and keys

/** Token scheme used for each account tier (SPEC §2). */
export function schemeForTier(tier: 'personal' | 'enterprise' | 'provider'): TokenScheme {
  switch (tier) {
    case 'personal':
      return 'aes-gcm';
    case 'enterprise':
      return 'sm4-ctr-hmac-sm3';
    case 'provider':
      return 'aes-gcm-ed25519';
    default:
      throw new TypeError(`unknown tier: ${String(tier)}`);
  }
}

// Wire ids. Never renumber: tokens already printed on screens carry them.
const SCHEME_IDS: Record<TokenScheme, number> = {
  'aes-gcm': 1,
  'sm4-ctr-hmac-sm3': 2,
  'aes-gcm-ed25519': 3,
};
const SCHEME_BY_ID: ReadonlyMap<number, TokenScheme> = new Map(
  (Object.keys(SCHEME_IDS) as TokenScheme[]).map((s) => [SCHEME_IDS[s], s]),
);

const HEADER_LEN = 3;
const PLAINTEXT_LEN = 1 + CODE_ID_BYTES + 4 + 4 + 4 + 8; // 33
const NONCE_LEN = 8;
const GCM_IV_LEN = 12;
const GCM_TAG_LEN = 16;
const SM4_KEY_LEN = 16;
const SM4_IV_LEN = 16;
const SM3_MAC_KEY_LEN = 32;
// 128-bit truncated MAC: the same forgery bound as the GCM tag, and 16 chars shorter than full SM3.
const SM3_MAC_LEN = 16;
const ED25519_SIG_LEN = 64;

const GCM_BODY_LEN = GCM_IV_LEN + PLAINTEXT_LEN + GCM_TAG_LEN;
const TOKEN_BYTES: Record<TokenScheme, number> = {
  'aes-gcm': HEADER_LEN + GCM_BODY_LEN,
  'sm4-ctr-hmac-sm3': HEADER_LEN + SM4_IV_LEN + PLAINTEXT_LEN + SM3_MAC_LEN,
  'aes-gcm-ed25519': HEADER_LEN + GCM_BODY_LEN + ED25519_SIG_LEN,
};
const SECRET_LEN: Record<TokenScheme, number> = {
  'aes-gcm': 32,
  'sm4-ctr-hmac-sm3': SM4_KEY_LEN + SM3_MAC_KEY_LEN,
  'aes-gcm-ed25519': 32,
};
// Longest valid token in chars; anything longer is rejected before any decoding work.
const MAX_TOKEN_CHARS = Math.ceil((Math.max(...Object.values(TOKEN_BYTES)) * 4) / 3);

const KIND_IDS: Record<CodeKind, number> = { claim: 1, collect: 2 };

/**
 * Generates fresh key material for `scheme` under key id `kid`, all from node:crypto's CSPRNG.
 * For aes-gcm-ed25519 it also creates the Ed25519 key pair whose public half gets published.
 */
export function generateCodeKey(scheme: TokenScheme, kid: number): CodeKey {
  assertKid(kid);
  if (!(scheme in SECRET_LEN)) throw new TypeError(`unknown token scheme: ${String(scheme)}`);
  const key: CodeKey = { scheme, kid, secret: randomBytes(SECRET_LEN[scheme]) };
  if (scheme === 'aes-gcm-ed25519') {
    const pair = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    key.publicKey = pair.publicKey;
    key.privateKey = pair.privateKey;
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// Encode

/**
 * Encrypts and authenticates `payload` under `key`; returns the URL-safe token (no padding).
 * Throws TypeError/RangeError for a malformed payload or key: that is a programming error, not a
 * bad token.
 */
export function encodeToken(payload: TokenPayload, key: CodeKey): string {
  assertKey(key);
  const plaintext = packPlaintext(payload);
  const header = Buffer.alloc(HEADER_LEN);
  header.writeUInt8(SCHEME_IDS[key.scheme], 0);
  header.writeUInt16BE(key.kid, 1);

  let out: Buffer;
  switch (key.scheme) {
    case 'aes-gcm':
      out = Buffer.concat([header, gcmSeal(key.secret, header, plaintext)]);
      break;
    case 'sm4-ctr-hmac-sm3': {
      const iv = randomBytes(SM4_IV_LEN);
      const cipher = createCipheriv('sm4-ctr', key.secret.subarray(0, SM4_KEY_LEN), iv);
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      out = Buffer.concat([header, iv, ct, sm3Mac(key.secret, header, iv, ct)]);
      break;
    }
    case 'aes-gcm-ed25519': {
      const signed = Buffer.concat([header, gcmSeal(key.secret, header, plaintext)]);
      const sig = sign(null, signed, privateKeyObject(key.privateKey as string));
      out = Buffer.concat([signed, sig]);
      break;
    }
  }
  return out.toString('base64url');
}

function gcmSeal(aesKey: Buffer, header: Buffer, plaintext: Buffer): Buffer {
  // Random 96-bit IVs are safe for well under 2^32 tokens per key; keys rotate long before that.
  const iv = randomBytes(GCM_IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv, { authTagLength: GCM_TAG_LEN });
  cipher.setAAD(header);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ct, cipher.getAuthTag()]);
}

function sm3Mac(secret: Buffer, header: Buffer, iv: Buffer, ct: Buffer): Buffer {
  return createHmac('sm3', secret.subarray(SM4_KEY_LEN))
    .update(header)
    .update(iv)
    .update(ct)
    .digest()
    .subarray(0, SM3_MAC_LEN);
}

function packPlaintext(p: TokenPayload): Buffer {
  if (!isCodeId(p.codeId)) throw new TypeError(`not a code id: ${String(p.codeId)}`);
  const kind = KIND_IDS[p.kind];
  if (kind === undefined) throw new TypeError(`unknown code kind: ${String(p.kind)}`);
  assertUint32('version', p.version);
  assertUint32('issuedAt', p.issuedAt);
  assertUint32('expiresAt', p.expiresAt);
  if (!Buffer.isBuffer(p.nonce) || p.nonce.length !== NONCE_LEN) {
    throw new RangeError(`nonce must be ${NONCE_LEN} bytes`);
  }
  const buf = Buffer.alloc(PLAINTEXT_LEN);
  let o = buf.writeUInt8(kind, 0);
  o += Buffer.from(p.codeId.slice(CODE_ID_PREFIX.length), 'base64url').copy(buf, o);
  o = buf.writeUInt32BE(p.version, o);
  o = buf.writeUInt32BE(p.issuedAt, o);
  o = buf.writeUInt32BE(p.expiresAt, o);
  p.nonce.copy(buf, o);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Decode

const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

/**
 * Strictly decodes base64url. Node's decoder silently skips junk and ignores leftover bits, which
 * would let many strings map to one token; requiring the canonical re-encoding keeps tokens
 * one-to-one with their bytes (no malleable variants of a genuine token).
 */
function strictBase64url(s: unknown): Buffer | undefined {
  if (typeof s !== 'string' || s.length === 0 || s.length > MAX_TOKEN_CHARS) return undefined;
  if (!BASE64URL_RE.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : undefined;
}

/**
 * Reads the clear-text header of a token: its scheme and key id, or undefined when the token is
 * not well formed. Nothing here is authenticated yet; it exists so an offline verifier can pick
 * the right published public key by kid before calling {@link verifyTokenSignature}.
 */
export function readTokenHeader(token: string): { scheme: TokenScheme; kid: number } | undefined {
  const bytes = strictBase64url(token);
  if (!bytes || bytes.length < HEADER_LEN) return undefined;
  const scheme = SCHEME_BY_ID.get(bytes[0]);
  if (!scheme || bytes.length !== TOKEN_BYTES[scheme]) return undefined;
  return { scheme, kid: bytes.readUInt16BE(1) };
}

/**
 * Checks and decrypts a token. `lookup` returns the key for the token's scheme and kid (or
 * undefined when unknown/retired). Throws {@link TokenInvalidError} for anything wrong with the
 * token: bad encoding, wrong length, unknown scheme or kid, failed tag/MAC/signature, bad fields.
 * Errors thrown by `lookup` itself (e.g. a store outage) propagate unchanged, because they are not
 * the token's fault. Expiry is not checked.
 */
export function decodeToken(
  token: string,
  lookup: (scheme: TokenScheme, kid: number) => CodeKey | undefined,
): TokenPayload {
  const bytes = strictBase64url(token);
  if (!bytes || bytes.length < HEADER_LEN) throw new TokenInvalidError();
  const scheme = SCHEME_BY_ID.get(bytes[0]);
  if (!scheme || bytes.length !== TOKEN_BYTES[scheme]) throw new TokenInvalidError();
  const kid = bytes.readUInt16BE(1);
  const key = lookup(scheme, kid);
  // A key filed under the wrong scheme must not be used: the scheme byte is attacker-chosen.
  if (!key || key.scheme !== scheme || key.kid !== kid) throw new TokenInvalidError();
  assertKey(key, 'decode');

  const header = bytes.subarray(0, HEADER_LEN);
  let plaintext: Buffer | undefined;
  switch (scheme) {
    case 'aes-gcm':
      plaintext = gcmOpen(key.secret, header, bytes.subarray(HEADER_LEN));
      break;
    case 'sm4-ctr-hmac-sm3': {
      const iv = bytes.subarray(HEADER_LEN, HEADER_LEN + SM4_IV_LEN);
      const ct = bytes.subarray(HEADER_LEN + SM4_IV_LEN, HEADER_LEN + SM4_IV_LEN + PLAINTEXT_LEN);
      const mac = bytes.subarray(HEADER_LEN + SM4_IV_LEN + PLAINTEXT_LEN);
      // Encrypt-then-MAC: check the MAC before touching the ciphertext, in constant time.
      if (!timingSafeEqual(mac, sm3Mac(key.secret, header, iv, ct))) break;
      const decipher = createDecipheriv('sm4-ctr', key.secret.subarray(0, SM4_KEY_LEN), iv);
      plaintext = Buffer.concat([decipher.update(ct), decipher.final()]);
      break;
    }
    case 'aes-gcm-ed25519': {
      const signed = bytes.subarray(0, HEADER_LEN + GCM_BODY_LEN);
      const sig = bytes.subarray(HEADER_LEN + GCM_BODY_LEN);
      // Both must hold: the tag proves the server's secret, the signature what third parties check.
      if (!verify(null, signed, publicKeyObject(key.publicKey as string), sig)) break;
      plaintext = gcmOpen(key.secret, header, signed.subarray(HEADER_LEN));
      break;
    }
  }
  if (!plaintext) throw new TokenInvalidError();
  return unpackPlaintext(plaintext);
}

function gcmOpen(aesKey: Buffer, header: Buffer, body: Buffer): Buffer | undefined {
  const iv = body.subarray(0, GCM_IV_LEN);
  const ct = body.subarray(GCM_IV_LEN, GCM_IV_LEN + PLAINTEXT_LEN);
  const tag = body.subarray(GCM_IV_LEN + PLAINTEXT_LEN, GCM_IV_LEN + PLAINTEXT_LEN + GCM_TAG_LEN);
  const decipher = createDecipheriv('aes-256-gcm', aesKey, iv, { authTagLength: GCM_TAG_LEN });
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return undefined; // final() throws on a tag mismatch
  }
}

function unpackPlaintext(buf: Buffer): TokenPayload {
  const kindByte = buf.readUInt8(0);
  const kind = kindByte === KIND_IDS.claim ? 'claim' : kindByte === KIND_IDS.collect ? 'collect' : undefined;
  if (!kind) throw new TokenInvalidError();
  let o = 1;
  const codeId = newCodeId(buf.subarray(o, o + CODE_ID_BYTES));
  o += CODE_ID_BYTES;
  const version = buf.readUInt32BE(o);
  const issuedAt = buf.readUInt32BE(o + 4);
  const expiresAt = buf.readUInt32BE(o + 8);
  o += 12;
  // Copy so the caller's nonce does not pin or alias the decode buffer.
  const nonce = Buffer.from(buf.subarray(o, o + NONCE_LEN));
  return { codeId, kind, version, issuedAt, expiresAt, nonce };
}

/**
 * Offline authenticity check for provider (aes-gcm-ed25519) tokens: true only when the token is a
 * well-formed aes-gcm-ed25519 token whose Ed25519 signature verifies under `publicKeyPem`. Needs
 * no secret and reveals nothing of the payload (it stays encrypted). Returns false for any bad
 * token; throws only when `publicKeyPem` is not an Ed25519 public key (a configuration error).
 */
export function verifyTokenSignature(token: string, publicKeyPem: string): boolean {
  const publicKey = publicKeyObject(publicKeyPem);
  const bytes = strictBase64url(token);
  if (!bytes || bytes.length !== TOKEN_BYTES['aes-gcm-ed25519']) return false;
  if (bytes[0] !== SCHEME_IDS['aes-gcm-ed25519']) return false;
  const signedLen = HEADER_LEN + GCM_BODY_LEN;
  return verify(null, bytes.subarray(0, signedLen), publicKey, bytes.subarray(signedLen));
}

// ---------------------------------------------------------------------------------------------
// Key helpers

// Parsing PEM costs more than the signature itself; provider tiers verify thousands of tokens a
// second with a handful of keys, so parsed keys are cached by PEM text (bounded, keys rotate).
const KEY_CACHE_MAX = 64;
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  let k = cache.get(pem);
  if (!k) {
    k = parse(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new TypeError('expected an Ed25519 key');
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    cache.set(pem, k);
  }
  return k;
}

function publicKeyObject(pem: string): KeyObject {
  return cached(publicKeys, pem, createPublicKey);
}

function privateKeyObject(pem: string): KeyObject {
  return cached(privateKeys, pem, createPrivateKey);
}

function assertKid(kid: number): void {
  if (!Number.isInteger(kid) || kid < 0 || kid > 0xffff) throw new RangeError(`kid must be a uint16, got ${kid}`);
}

function assertUint32(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${name} must be a uint32, got ${n}`);
}

/** Misconfigured keys are operator errors, reported as such rather than as bad tokens. */
function assertKey(key: CodeKey, use: 'encode' | 'decode' = 'encode'): void {
  if (!(key.scheme in SECRET_LEN)) throw new TypeError(`unknown token scheme: ${String(key.scheme)}`);
  assertKid(key.kid);
  if (!Buffer.isBuffer(key.secret) || key.secret.length !== SECRET_LEN[key.scheme]) {
    throw new RangeError(`${key.scheme} key ${key.kid}: secret must be ${SECRET_LEN[key.scheme]} bytes`);
  }
  if (key.scheme === 'aes-gcm-ed25519') {
    const pem = use === 'encode' ? key.privateKey : key.publicKey;
    if (typeof pem !== 'string') {
      throw new TypeError(`aes-gcm-ed25519 key ${key.kid}: ${use === 'encode' ? 'privateKey' : 'publicKey'} PEM missing`);
    }
  }
}
