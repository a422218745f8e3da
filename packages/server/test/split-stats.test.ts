import { seededRandom } from '../src/domain/random';
import { splitPacket, type SplitAlgorithm } from '../src/domain/split';

/*
 * Statistical checks with fixed seeds, so they are deterministic: a pass or fail never flips
 * between runs, and the tolerances only decide whether the fixed sample looks fair.
 *
 * Tolerance: 5 standard errors. Each position's statistic averages N independent packets, so its
 * standard error is sigma/sqrt(N). A fair split lands outside 5 SE with probability about 6e-7 per
 * check, so a failure means bias, not bad luck; a real bias of the size a missing shuffle causes is
 * many SE wide at N = 4000.
 */
const PACKETS = 4000;
const TOTAL = 1000;
const COUNT = 10;
const EXPECTED_MEAN = TOTAL / COUNT;
const TOLERANCE_SE = 5;

/** Shares by claim position: `byPosition[slot][packet]`. */
function sampleByPosition(algorithm: SplitAlgorithm): number[][] {
  const rng = seededRandom(`stats-${algorithm}`);
  const byPosition = Array.from({ length: COUNT }, () => [] as number[]);
  for (let packet = 0; packet < PACKETS; packet++) {
    splitPacket({ total: TOTAL, count: COUNT, algorithm, rng }).forEach((share, slot) =>
      byPosition[slot].push(share),
    );
  }
  return byPosition;
}

/** Mean of `(x - EXPECTED_MEAN)^power`; the true mean is known exactly because shares sum to TOTAL. */
function centralMoment(values: number[], power: number): number {
  return values.reduce((sum, value) => sum + (value - EXPECTED_MEAN) ** power, 0) / values.length;
}

describe.each<SplitAlgorithm>(['double-mean', 'line-cut', 'fixed'])(
  '%s claim position',
  (algorithm) => {
    const byPosition = sampleByPosition(algorithm);
    // After the shuffle every slot has the same distribution, so pooling slots estimates it.
    const pooled = byPosition.flat();
    const variance = centralMoment(pooled, 2);

    it('does not bias the mean amount a claimer gets', () => {
      const tolerance = TOLERANCE_SE * Math.sqrt(variance / PACKETS);
      for (const shares of byPosition) {
        const mean = shares.reduce((sum, share) => sum + share, 0) / PACKETS;
        expect(Math.abs(mean - EXPECTED_MEAN)).toBeLessThanOrEqual(tolerance);
      }
    });

    // Double-mean draws early shares from a narrow range and late ones from a wide range, with the
    // same mean, so only a spread check catches a missing shuffle. The per-slot variance estimate
    // has standard error sqrt((mu4 - sigma^4) / N).
    it('does not bias the spread of amounts a claimer gets', () => {
      const tolerance = TOLERANCE_SE * Math.sqrt((centralMoment(pooled, 4) - variance ** 2) / PACKETS);
      for (const shares of byPosition) {
        expect(Math.abs(centralMoment(shares, 2) - variance)).toBeLessThanOrEqual(tolerance);
      }
    });
  },
);

describe('seededRandom integers', () => {
  it('draws every value equally often where modulo reduction would favour low values', () => {
    // 256 % 171 = 85: reducing a byte modulo 171 would make 0..84 twice as likely as 85..170,
    // putting about 66% of draws below 85 instead of the fair 85/171 (about 49.7%).
    const rng = seededRandom('modulo-bias');
    const draws = 20_000;
    let low = 0;
    for (let i = 0; i < draws; i++) if (rng.int(0, 170) < 85) low++;
    const p = 85 / 171;
    const tolerance = TOLERANCE_SE * Math.sqrt((p * (1 - p)) / draws);
    expect(Math.abs(low / draws - p)).toBeLessThanOrEqual(tolerance);
  });
});
