/**
 * Data for the bar chart of a packet's split: one bar per claim (in claim order) scaled to the
 * largest share, the luckiest marked, and what is still unclaimed. Once the split is revealed the
 * chart can show every slot, claimed or not.
 */
export interface ClaimLike {
  id: string;
  name: string;
  amount: number;
}

export interface Bar {
  id: string;
  label: string;
  amount: number;
  /** Bar length, 0–1, relative to the largest share shown. */
  ratio: number;
  /** Share of the packet total, in whole percent (rounded). */
  percent: number;
  luckiest: boolean;
  claimed: boolean;
}

export interface SplitChart {
  bars: Bar[];
  unclaimedCount: number;
  unclaimedAmount: number;
}

function scaled(amounts: number[]): (amount: number) => number {
  const max = Math.max(1, ...amounts);
  return (amount) => amount / max;
}

/** Bars for the claims made so far. `luckiestClaimId` marks 手气最佳 once the server names it. */
export function claimsChart(claims: ClaimLike[], packet: { total: number; count: number }, luckiestClaimId: string | null): SplitChart {
  const ratio = scaled(claims.map((claim) => claim.amount));
  const claimedAmount = claims.reduce((sum, claim) => sum + claim.amount, 0);
  return {
    bars: claims.map((claim) => ({
      id: claim.id,
      label: claim.name,
      amount: claim.amount,
      ratio: ratio(claim.amount),
      percent: packet.total > 0 ? Math.round((claim.amount / packet.total) * 100) : 0,
      luckiest: claim.id === luckiestClaimId,
      claimed: true,
    })),
    unclaimedCount: Math.max(0, packet.count - claims.length),
    unclaimedAmount: Math.max(0, packet.total - claimedAmount),
  };
}

/** Bars for every slot of a revealed split (`shares` in slot order); the first `claimed` were taken. */
export function revealedChart(shares: number[], claimed: number): SplitChart {
  const ratio = scaled(shares);
  const total = shares.reduce((sum, share) => sum + share, 0);
  const taken = shares.slice(0, claimed);
  const luckiestIndex = taken.length > 0 ? taken.indexOf(Math.max(...taken)) : -1;
  return {
    bars: shares.map((amount, index) => ({
      id: `slot-${index + 1}`,
      label: `#${index + 1}`,
      amount,
      ratio: ratio(amount),
      percent: total > 0 ? Math.round((amount / total) * 100) : 0,
      luckiest: index === luckiestIndex,
      claimed: index < claimed,
    })),
    unclaimedCount: Math.max(0, shares.length - claimed),
    unclaimedAmount: shares.slice(claimed).reduce((sum, share) => sum + share, 0),
  };
}
