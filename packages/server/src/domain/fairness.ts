/**
 * Verifiable fairness (SPEC §3): at creation the server publishes a commitment to the shares; once
 * the packet ends it reveals the salt and shares so anyone can check nothing changed in between.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './random';

/**
 * `hex(SHA-256(utf8(salt + ":" + shares.join(","))))`, lowercase, with `shares` in slot order.
 *
 * @example
 * fairnessCommitment(salt, [412, 95, 493]); // 64 lowercase hex characters
 */
export function fairnessCommitment(salt: string, shares: number[]): string {
  return createHash('sha256').update(`${salt}:${shares.join(',')}`, 'utf8').digest('hex');
}

/**
 * A fresh salt: 32 random bytes as 64 lowercase hex characters. The salt keeps the commitment from
 * being brute-forced back into the shares before the reveal, so it must come from a secure source
 * in production.
 */
export function newFairnessSalt(rng: RandomSource): string {
  return rng.bytes(32).toString('hex');
}

/**
 * True when `commitment` matches the revealed `salt` and `shares`. Compares in constant time so the
 * check leaks nothing about how much of a guessed commitment was right.
 *
 * @example
 * verifyFairness(packet.commitment, packet.salt, packet.shares); // true unless tampered with
 */
export function verifyFairness(commitment: string, salt: string, shares: number[]): boolean {
  const expected = Buffer.from(fairnessCommitment(salt, shares), 'utf8');
  const given = Buffer.from(commitment, 'utf8');
  // timingSafeEqual throws on unequal lengths; a length mismatch reveals nothing secret anyway.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
