import { randomFillSync } from 'node:crypto';

/**
 * Resource ids: a type prefix, then 15 bytes — a 6-byte millisecond timestamp, a 2-byte sequence
 * within that millisecond and 7 random bytes — in 20 characters of an ASCII-ordered base64
 * alphabet. Ids of one process sort in the order they were made (listings page by id on both
 * stores), and inserts land on the right edge of each primary-key index instead of on random
 * pages: on the claim path that cuts the pages each commit writes by about a third. The 56 random
 * bits keep ids unguessable (a packet id is what a share card carries).
 */
/** A short lowercase type prefix: acc, pk, cl, pay, tr, app, la, evt, … */
export type IdPrefix = string;

const SORTABLE = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

// Randomness is drawn in 4 KiB blocks: ids are made on every write of the claim path.
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

function encodeSortable(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += SORTABLE[(n >> 18) & 63] + SORTABLE[(n >> 12) & 63] + SORTABLE[(n >> 6) & 63] + SORTABLE[n & 63];
  }
  return out;
}

let lastMs = 0;
let sequence = 0;

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  // Never backwards: a clock set back (or a test's hand-moved clock) keeps counting on from the last id.
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xffff) {
    lastMs++;
    sequence = 0;
  }
  const bytes = Buffer.allocUnsafe(15);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes.writeUInt16BE(sequence, 6);
  randomChunk(7).copy(bytes, 8);
  return `${prefix}_${encodeSortable(bytes)}`;
}

export function newSecret(bytes = 32): string {
  return Buffer.from(randomChunk(bytes)).toString('base64url');
}
