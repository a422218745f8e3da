import { randomFillSync } from 'node:crypto';

/** Resource ids: a short type prefix and 12 random bytes in base64url (16 characters). */
export type IdPrefix = 'acc' | 'pk' | 'cl' | 'pay' | 'tr' | 'app' | 'la';

// Ids are made on every write of the claim path; drawing the cryptographic randomness in 4 KiB
// blocks instead of 12 bytes at a time keeps that off the profile.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomChunk(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const chunk = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return chunk;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomChunk(12).toString('base64url')}`;
}

export function newSecret(bytes = 32): string {
  return Buffer.from(randomChunk(bytes)).toString('base64url');
}
