import fc from 'fast-check';
import { cryptoRandom, seededRandom } from '../src/domain/random';
import {
  PERSONAL_MAX_STDDEV_FEN,
  populationStdDev,
  splitPacket,
  type SplitAlgorithm,
} from '../src/domain/split';
import { fairnessCommitment, newFairnessSalt, verifyFairness } from '../src/domain/fairness';

const RANDOM_ALGORITHMS: SplitAlgorithm[] = ['double-mean', 'line-cut'];

/** A valid (total, count) pair: total >= count, up to the enterprise count limit. */
const packetShape = fc
  .tuple(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 5_000_000 }))
  .map(([count, extra]) => ({ count, total: count + extra }));

/** A valid fixed packet: total is a whole multiple of count. */
const fixedShape = fc
  .tuple(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 500 }))
  .map(([count, each]) => ({ count, total: count * each }));

const seed = fc.integer();

function split(algorithm: SplitAlgorithm, total: number, count: number, s: number, maxStdDev?: number) {
  return splitPacket({ total, count, algorithm, rng: seededRandom(s), maxStdDev });
}

describe.each([
  ...RANDOM_ALGORITHMS.map((algorithm) => ({ algorithm, shape: packetShape })),
  { algorithm: 'fixed' as const, shape: fixedShape },
])('splitPacket $algorithm', ({ algorithm, shape }) => {
  it('returns exactly count integer shares of at least one fen summing to the total', () => {
    fc.assert(
      fc.property(shape, seed, ({ total, count }, s) => {
        const shares = split(algorithm, total, count, s);
        expect(shares).toHaveLength(count);
        expect(shares.every((share) => Number.isInteger(share) && share >= 1)).toBe(true);
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      }),
      { numRuns: 50 },
    );
  });

  it('gives the same shares for the same seed', () => {
    fc.assert(
      fc.property(shape, seed, ({ total, count }, s) => {
        expect(split(algorithm, total, count, s)).toEqual(split(algorithm, total, count, s));
      }),
      { numRuns: 30 },
    );
  });
});

describe.each(RANDOM_ALGORITHMS)('splitPacket %s randomness', (algorithm) => {
  it('gives different shares for different seeds', () => {
    // 50 shares of 1,000,000 fen: two seeds colliding is astronomically unlikely.
    fc.assert(
      fc.property(seed, seed, (a, b) => {
        fc.pre(a !== b);
        expect(split(algorithm, 1_000_000, 50, a)).not.toEqual(split(algorithm, 1_000_000, 50, b));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps personal random packets within the ¥45 standard deviation cap', () => {
    const personal = fc.record({
      count: fc.integer({ min: 1, max: 100 }),
      total: fc.integer({ min: 1, max: 20_000 }),
    });
    fc.assert(
      fc.property(personal, seed, ({ total, count }, s) => {
        fc.pre(total >= count);
        const shares = split(algorithm, total, count, s, PERSONAL_MAX_STDDEV_FEN);
        expect(populationStdDev(shares)).toBeLessThanOrEqual(PERSONAL_MAX_STDDEV_FEN);
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    [20_000, 2],
    [20_000, 3],
    [19_999, 2],
  ])('keeps the cap on the hard case of total %i fen in %i shares', (total, count) => {
    fc.assert(
      fc.property(seed, (s) => {
        const shares = split(algorithm, total, count, s, PERSONAL_MAX_STDDEV_FEN);
        expect(populationStdDev(shares)).toBeLessThanOrEqual(PERSONAL_MAX_STDDEV_FEN);
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to the most even split when no draw meets the cap', () => {
    const shares = splitPacket({
      total: 1003,
      count: 10,
      algorithm,
      rng: seededRandom(7),
      maxStdDev: 0.5,
      maxRedraws: 3,
    });
    expect([...shares].sort((a, b) => a - b)).toEqual([100, 100, 100, 100, 100, 100, 100, 101, 101, 101]);
  });
});

describe('splitPacket line-cut at enterprise scale', () => {
  it('splits 5,000,000 fen into 10,000 shares', () => {
    const shares = split('line-cut', 5_000_000, 10_000, 1);
    expect(shares).toHaveLength(10_000);
    expect(shares.every((share) => share >= 1)).toBe(true);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(5_000_000);
  });

  it('splits a total barely above the count, where every cut point is taken', () => {
    const shares = split('line-cut', 10_001, 10_000, 1);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(10_001);
    expect(shares.filter((share) => share === 2)).toHaveLength(1);
  });
});

describe('splitPacket input validation', () => {
  const rng = seededRandom('validation');
  it.each([
    ['a fractional total', { total: 100.5, count: 2 }],
    ['a fractional count', { total: 100, count: 2.5 }],
    ['a zero count', { total: 100, count: 0 }],
    ['a negative count', { total: 100, count: -1 }],
    ['a total below the count', { total: 9, count: 10 }],
    ['a NaN total', { total: Number.NaN, count: 1 }],
  ])('throws RangeError for %s', (_label, { total, count }) => {
    for (const algorithm of ['double-mean', 'line-cut', 'fixed'] as const) {
      expect(() => splitPacket({ total, count, algorithm, rng })).toThrow(RangeError);
    }
  });

  it('throws RangeError for a fixed total not divisible by the count', () => {
    expect(() => splitPacket({ total: 100, count: 3, algorithm: 'fixed', rng })).toThrow(RangeError);
  });

  it('throws RangeError for a cap below what even the flattest split can meet', () => {
    expect(() =>
      splitPacket({ total: 101, count: 2, algorithm: 'double-mean', rng, maxStdDev: 0.4 }),
    ).toThrow(RangeError);
  });

  it('throws RangeError for a negative maxRedraws', () => {
    expect(() =>
      splitPacket({ total: 100, count: 2, algorithm: 'line-cut', rng, maxRedraws: -1 }),
    ).toThrow(RangeError);
  });
});

describe('populationStdDev', () => {
  it('divides by the number of shares, not one less', () => {
    expect(populationStdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(populationStdDev([5])).toBe(0);
  });
});

describe('fairness commitment', () => {
  const shares = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 100 });

  it('publishes the lowercase hex SHA-256 of salt, colon and comma-joined shares', () => {
    // Pinned against an independent computation: printf 'abc:1,2,3' | sha256sum
    expect(fairnessCommitment('abc', [1, 2, 3])).toBe(
      '45fae30ef561fc1808ac7d8d8a855dc4c7cb1e8245aea96b695ecabf13e5bedb',
    );
  });

  it('verifies the revealed salt and shares', () => {
    fc.assert(
      fc.property(seed, shares, (s, revealed) => {
        const salt = newFairnessSalt(seededRandom(s));
        expect(verifyFairness(fairnessCommitment(salt, revealed), salt, revealed)).toBe(true);
      }),
    );
  });

  it('rejects the reveal when any share is changed', () => {
    fc.assert(
      fc.property(seed, shares, fc.nat(), fc.integer({ min: 1, max: 1000 }), (s, revealed, at, delta) => {
        const salt = newFairnessSalt(seededRandom(s));
        const commitment = fairnessCommitment(salt, revealed);
        const tampered = [...revealed];
        tampered[at % tampered.length] += delta;
        expect(verifyFairness(commitment, salt, tampered)).toBe(false);
      }),
    );
  });

  it('rejects the reveal when the salt is changed', () => {
    fc.assert(
      fc.property(seed, seed, shares, (a, b, revealed) => {
        fc.pre(a !== b);
        const salt = newFairnessSalt(seededRandom(a));
        const commitment = fairnessCommitment(salt, revealed);
        expect(verifyFairness(commitment, newFairnessSalt(seededRandom(b)), revealed)).toBe(false);
      }),
    );
  });

  it('rejects a commitment of the wrong length without throwing', () => {
    expect(verifyFairness('abc', 'salt', [1])).toBe(false);
  });

  it('makes salts of 64 lowercase hex characters', () => {
    expect(newFairnessSalt(cryptoRandom())).toMatch(/^[0-9a-f]{64}$/);
    expect(newFairnessSalt(seededRandom(1))).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.each([
  ['cryptoRandom', () => cryptoRandom()],
  ['seededRandom', () => seededRandom('bounds')],
])('%s', (_name, make) => {
  it('draws integers within both inclusive bounds and reaches each bound', () => {
    const rng = make();
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(-2, 2));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('handles the widest range node:crypto allows', () => {
    // randomInt needs max - min < 2^48 with an exclusive max: at most 2^48 - 1 values.
    const value = make().int(0, 2 ** 48 - 2);
    expect(Number.isInteger(value) && value >= 0 && value <= 2 ** 48 - 2).toBe(true);
  });

  it('throws RangeError for reversed or fractional bounds', () => {
    const rng = make();
    expect(() => rng.int(2, 1)).toThrow(RangeError);
    expect(() => rng.int(0, 1.5)).toThrow(RangeError);
    expect(() => rng.int(0, 2 ** 48 - 1)).toThrow(RangeError);
  });
});
