/**
 * Random sources for money splits and fairness salts. Services receive a `RandomSource` instead of
 * calling `node:crypto` directly, so production uses the cryptographic RNG while tests inject a
 * seeded one and get reproducible packets.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';

/** A source of uniform randomness. */
export interface RandomSource {
  /** A uniform integer in `[min, max]`, both bounds inclusive. */
  int(min: number, max: number): number;
  /** `n` uniform random bytes. */
  bytes(n: number): Buffer;
}

/**
 * `node:crypto.randomInt(min, max)` needs `max - min < 2^48` with `max` exclusive, so a range holds
 * at most 2^48 - 1 values; every source shares that limit so tests and production agree.
 */
const MAX_RANGE = 2 ** 48 - 1;

/** Checks `int(min, max)` arguments and returns the range size `max - min + 1`. */
function rangeSize(min: number, max: number): number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
    throw new RangeError(`int bounds must be safe integers, got ${min} and ${max}`);
  }
  if (min > max) throw new RangeError(`int bounds are reversed: min ${min} > max ${max}`);
  const size = max - min + 1;
  if (size > MAX_RANGE) throw new RangeError(`int range of ${size} values exceeds 2^48 - 1`);
  return size;
}

function checkByteCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`byte count must be a non-negative integer, got ${n}`);
  }
}

/**
 * The production source, backed by the operating system's CSPRNG.
 *
 * @example
 * const rng = cryptoRandom();
 * rng.int(1, 6); // a fair die roll
 */
export function cryptoRandom(): RandomSource {
  return {
    int(min, max) {
      rangeSize(min, max);
      // randomInt's upper bound is exclusive.
      return randomInt(min, max + 1);
    },
    bytes(n) {
      checkByteCount(n);
      return randomBytes(n);
    },
  };
}

/**
 * A deterministic source for tests: SHA-256 in counter mode over the seed, so equal seeds give
 * equal streams and different seeds give unrelated ones. Integers use rejection sampling, so
 * every value in the range is exactly equally likely (no modulo bias). Not for production: the
 * seed is the whole secret.
 *
 * @example
 * const a = seededRandom('packet-test');
 * const b = seededRandom('packet-test');
 * a.int(1, 100) === b.int(1, 100); // true
 */
export function seededRandom(seed: string | number): RandomSource {
  // The type prefix keeps the seeds 1 and '1' from sharing a stream.
  const key = createHash('sha256').update(`${typeof seed}:${String(seed)}`, 'utf8').digest();
  let counter = 0;
  let pool = Buffer.alloc(0);

  function take(n: number): Buffer {
    while (pool.length < n) {
      const block = createHash('sha256').update(key).update(String(counter++)).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return Buffer.from(out);
  }

  return {
    int(min, max) {
      const size = rangeSize(min, max);
      let width = 1;
      while (256 ** width < size) width++;
      const space = 256 ** width;
      // Values at or above `limit` would make some results likelier than others; draw again.
      const limit = space - (space % size);
      for (;;) {
        const value = take(width).readUIntBE(0, width);
        if (value < limit) return min + (value % size);
      }
    },
    bytes(n) {
      checkByteCount(n);
      return take(n);
    },
  };
}
