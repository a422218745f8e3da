import { verifyFairness } from '@hongbao/sdk';
import { createHash } from 'node:crypto';
import { claimsChart, revealedChart } from '../../src/lib/chart';
import { checkFairness } from '../../src/lib/fairness';

describe('split chart', () => {
  const claims = [
    { id: 'c1', name: '小*', amount: 150 },
    { id: 'c2', name: '阿*', amount: 600 },
    { id: 'c3', name: 'B*', amount: 50 },
  ];

  test('scales bars to the largest share and marks the luckiest', () => {
    const chart = claimsChart(claims, { total: 1000, count: 5 }, 'c2');
    expect(chart.bars.map((bar) => bar.ratio)).toEqual([0.25, 1, 1 / 12]);
    expect(chart.bars.map((bar) => bar.percent)).toEqual([15, 60, 5]);
    expect(chart.bars.filter((bar) => bar.luckiest).map((bar) => bar.id)).toEqual(['c2']);
    expect(chart).toMatchObject({ unclaimedCount: 2, unclaimedAmount: 200 });
  });

  test('marks no luckiest before the server names one', () => {
    expect(claimsChart(claims, { total: 1000, count: 5 }, null).bars.some((bar) => bar.luckiest)).toBe(false);
  });

  test('shows every slot of a revealed split, the unclaimed ones apart', () => {
    const chart = revealedChart([300, 100, 400, 200], 2);
    expect(chart.bars.map((bar) => bar.claimed)).toEqual([true, true, false, false]);
    expect(chart.bars.find((bar) => bar.luckiest)?.id).toBe('slot-1');
    expect(chart).toMatchObject({ unclaimedCount: 2, unclaimedAmount: 600 });
  });
});

describe('fairness check', () => {
  const salt = 'ab'.repeat(32);
  const shares = [300, 100, 400, 200];
  const commitment = createHash('sha256').update(`${salt}:${shares.join(',')}`).digest('hex');

  test('passes when the reveal matches the commitment, the total and the claims', () => {
    expect(checkFairness({ commitment, total: 1000, salt, shares, claimedAmounts: [300, 100] }, verifyFairness)).toBe('ok');
  });

  test('fails on a tampered split, a wrong total or claims that do not match their slots', () => {
    expect(checkFairness({ commitment, total: 1000, salt, shares: [400, 100, 300, 200], claimedAmounts: [] }, verifyFairness)).toBe('commitment-mismatch');
    expect(checkFairness({ commitment, total: 1001, salt, shares, claimedAmounts: [] }, verifyFairness)).toBe('total-mismatch');
    expect(checkFairness({ commitment, total: 1000, salt, shares, claimedAmounts: [100] }, verifyFairness)).toBe('claims-mismatch');
  });
});
