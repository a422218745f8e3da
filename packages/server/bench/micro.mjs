// In-process micro-benchmarks of the built server's pure parts: the packet split algorithms and the
// dynamic-code token codec. No HTTP, no database: these are the ceilings the HTTP figures sit under.
import { randomBytes } from 'node:crypto';
import { decodeToken, encodeToken, generateCodeKey, newCodeId, verifyTokenSignature } from '../dist/codes/token-codec.js';
import { cryptoRandom } from '../dist/domain/random.js';
import { splitPacket } from '../dist/domain/split.js';
import { progress, rateOf } from './lib.mjs';

/** The split cases: the enterprise single limit (¥2,000) into a chat-sized and a hot-packet-sized count. */
const SPLITS = [
  { algorithm: 'double-mean', total: 200_000, count: 100 },
  { algorithm: 'line-cut', total: 200_000, count: 100 },
  { algorithm: 'double-mean', total: 200_000, count: 10_000 },
  { algorithm: 'line-cut', total: 200_000, count: 10_000 },
];

/** Token schemes in tier order, with the tier that uses each (SPEC section 2). */
const SCHEMES = [
  { scheme: 'aes-gcm', tier: 'personal' },
  { scheme: 'sm4-ctr-hmac-sm3', tier: 'enterprise' },
  { scheme: 'aes-gcm-ed25519', tier: 'provider' },
];

/**
 * Splits per second for each case (the production CSPRNG source, as packet creation uses it), each
 * measured for about `ms` milliseconds. Every split is checked: integer shares of at least 1 fen
 * that sum to the total.
 */
export function splitRates(ms) {
  const rng = cryptoRandom();
  const rows = SPLITS.map((split, index) => {
    progress(`  split: ${split.algorithm} ${split.total.toLocaleString('en')} fen into ${split.count.toLocaleString('en')} (${index + 1}/${SPLITS.length})`);
    const shares = splitPacket({ ...split, rng });
    const sum = shares.reduce((total, share) => total + share, 0);
    if (shares.length !== split.count || sum !== split.total || !shares.every((share) => Number.isInteger(share) && share >= 1)) {
      throw new Error(`${split.algorithm} split of ${split.total} into ${split.count} is wrong: ${shares.length} shares summing to ${sum}`);
    }
    const perSecond = rateOf(() => splitPacket({ ...split, rng }), ms);
    return { ...split, perSecond };
  });
  progress('  split: done', { done: true });
  return rows;
}

/**
 * Token encodes and decodes per second for each scheme (plus the offline Ed25519 signature check
 * of provider tokens), each measured for about `ms` milliseconds. A decoded token must give back
 * the payload it was made from.
 */
export function codecRates(ms) {
  const rows = [];
  SCHEMES.forEach(({ scheme, tier }, index) => {
    progress(`  token codec: ${scheme} (${index + 1}/${SCHEMES.length})`);
    const key = generateCodeKey(scheme, 1);
    const now = Math.floor(Date.now() / 1000);
    const payload = () => ({ codeId: newCodeId(), kind: 'claim', version: 1, issuedAt: now, expiresAt: now + 180, nonce: randomBytes(8) });
    const lookup = () => key;
    const sample = payload();
    const token = encodeToken(sample, key);
    const decoded = decodeToken(token, lookup);
    if (decoded.codeId !== sample.codeId || !decoded.nonce.equals(sample.nonce)) throw new Error(`${scheme} token does not decode to its payload`);
    const fixed = payload();
    const encode = rateOf(() => encodeToken(fixed, key), ms);
    const decode = rateOf(() => decodeToken(token, lookup), ms);
    let verify = null;
    if (scheme === 'aes-gcm-ed25519') {
      if (!verifyTokenSignature(token, key.publicKey)) throw new Error('provider token signature does not verify');
      verify = rateOf(() => verifyTokenSignature(token, key.publicKey), ms);
    }
    rows.push({ scheme, tier, chars: token.length, encode, decode, verify });
  });
  progress('  token codec: done', { done: true });
  return rows;
}
