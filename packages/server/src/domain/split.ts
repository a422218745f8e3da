/**
 * Red-packet splitting: turns a total in fen into per-slot shares at creation time (SPEC §3).
 * All money math is integer fen; only the dispersion check uses floating point.
 */
import type { RandomSource } from './random';

/** How a packet's total is divided: 二倍均值, 线段切割, or equal shares. */
export type SplitAlgorithm = 'double-mean' | 'line-cut' | 'fixed';

/** Personal random packets keep the shares' standard deviation at or under ¥45 (SPEC §3). */
export const PERSONAL_MAX_STDDEV_FEN = 4500;

const DEFAULT_MAX_REDRAWS = 1000;

/** Options for {@link splitPacket}. */
export interface SplitOptions {
  /** Amount to divide, in fen. */
  total: number;
  /** Number of shares (slots). */
  count: number;
  algorithm: SplitAlgorithm;
  rng: RandomSource;
  /** Cap on the shares' population standard deviation, in fen; splits above it are redrawn. */
  maxStdDev?: number;
  /**
   * Redraws allowed after the first draw before falling back to the most even split.
   * @default 1000
   */
  maxRedraws?: number;
}

/**
 * Splits `total` fen into `count` integer shares, each at least 1 fen, summing exactly to `total`,
 * returned in slot order (the order claims take them). Shares are shuffled after drawing, because
 * double-mean gives later draws a wider range: without the shuffle, claim order would change the
 * spread of what a claimer can get.
 *
 * @throws {RangeError} for non-integer input, `count < 1`, `total < count`, a `fixed` total not
 * divisible by `count`, or a `maxStdDev` that no split of `total` into `count` shares can meet.
 * @example
 * splitPacket({ total: 1000, count: 3, algorithm: 'double-mean', rng: cryptoRandom() });
 * // e.g. [412, 95, 493]
 */
export function splitPacket(opts: SplitOptions): number[] {
  const { total, count, algorithm, rng, maxStdDev } = opts;
  const maxRedraws = opts.maxRedraws ?? DEFAULT_MAX_REDRAWS;
  validate(opts, maxRedraws);

  for (let attempt = 0; attempt <= maxRedraws; attempt++) {
    const shares = shuffle(draw(algorithm, total, count, rng), rng);
    if (maxStdDev === undefined || populationStdDev(shares) <= maxStdDev) return shares;
  }
  // Only reachable with a cap so tight that random draws almost never meet it. Failing the
  // sender's request would be worse than a flat packet, and spinning longer would let one request
  // burn unbounded CPU. The even split has the smallest possible deviation (at most 0.5 fen), so
  // it meets every cap that `validate` accepted; shuffling it keeps the odd extra fen from going
  // to the first claimers.
  return shuffle(evenSplit(total, count), rng);
}

/** Population standard deviation of `shares` (0 for an empty list). */
export function populationStdDev(shares: number[]): number {
  if (shares.length === 0) return 0;
  const mean = shares.reduce((sum, share) => sum + share, 0) / shares.length;
  const squares = shares.reduce((sum, share) => sum + (share - mean) ** 2, 0);
  return Math.sqrt(squares / shares.length);
}

function validate(opts: SplitOptions, maxRedraws: number): void {
  const { total, count, algorithm, maxStdDev } = opts;
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(count)) {
    throw new RangeError(`total and count must be integers (fen), got ${total} and ${count}`);
  }
  if (count < 1) throw new RangeError(`count must be at least 1, got ${count}`);
  if (total < count) {
    throw new RangeError(`total ${total} cannot give ${count} shares of at least 1 fen`);
  }
  if (algorithm !== 'double-mean' && algorithm !== 'line-cut' && algorithm !== 'fixed') {
    throw new RangeError(`unknown split algorithm ${String(algorithm)}`);
  }
  if (algorithm === 'fixed' && total % count !== 0) {
    throw new RangeError(`fixed split needs total ${total} divisible by count ${count}`);
  }
  if (!Number.isSafeInteger(maxRedraws) || maxRedraws < 0) {
    throw new RangeError(`maxRedraws must be a non-negative integer, got ${maxRedraws}`);
  }
  if (maxStdDev !== undefined) {
    if (Number.isNaN(maxStdDev) || maxStdDev < populationStdDev(evenSplit(total, count))) {
      throw new RangeError(`no split of ${total} into ${count} shares has std dev <= ${maxStdDev}`);
    }
  }
}

function draw(algorithm: SplitAlgorithm, total: number, count: number, rng: RandomSource): number[] {
  switch (algorithm) {
    case 'double-mean':
      return doubleMean(total, count, rng);
    case 'line-cut':
      return lineCut(total, count, rng);
    case 'fixed':
      return new Array<number>(count).fill(total / count);
  }
}

/**
 * 二倍均值: each draw is uniform in [1, min(⌊2R/m⌋, R-(m-1))], so its mean is about R/m and at
 * least 1 fen stays for each of the m-1 shares still to come; the last share takes the rest.
 */
function doubleMean(total: number, count: number, rng: RandomSource): number[] {
  const shares: number[] = [];
  let remaining = total;
  for (let left = count; left > 1; left--) {
    const share = rng.int(1, Math.min(Math.floor((2 * remaining) / left), remaining - (left - 1)));
    shares.push(share);
    remaining -= share;
  }
  shares.push(remaining);
  return shares;
}

/**
 * 线段切割: cut the segment [0, total] at count-1 distinct points chosen uniformly from
 * 1..total-1; the shares are the gaps. Distinct interior cuts make every gap at least 1 fen.
 */
function lineCut(total: number, count: number, rng: RandomSource): number[] {
  const cuts = Array.from(uniformSubset(total - 1, count - 1, rng)).sort((a, b) => a - b);
  const shares: number[] = [];
  let previous = 0;
  for (const cut of [...cuts, total]) {
    shares.push(cut - previous);
    previous = cut;
  }
  return shares;
}

/**
 * A uniform k-subset of 1..n by Floyd's algorithm: exactly k draws and O(k) memory, however large
 * n is and however close k comes to n (where plain rejection sampling would stall).
 */
function uniformSubset(n: number, k: number, rng: RandomSource): Set<number> {
  const chosen = new Set<number>();
  for (let j = n - k + 1; j <= n; j++) {
    const pick = rng.int(1, j);
    chosen.add(chosen.has(pick) ? j : pick);
  }
  return chosen;
}

/** The flattest split: ⌊total/count⌋ each, with the remainder spread one fen per share. */
function evenSplit(total: number, count: number): number[] {
  const base = Math.floor(total / count);
  const extra = total % count;
  return Array.from({ length: count }, (_, slot) => (slot < extra ? base + 1 : base));
}

/** Fisher–Yates, in place: every slot order is equally likely. */
function shuffle(shares: number[], rng: RandomSource): number[] {
  for (let i = shares.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [shares[i], shares[j]] = [shares[j], shares[i]];
  }
  return shares;
}
