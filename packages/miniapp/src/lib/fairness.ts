/**
 * The fairness check a person can see once a packet ends: the revealed split must hash to the
 * commitment published at creation, add up to the total, and match, slot by slot, what each
 * claimer got (claims take the slots in order).
 */
export interface FairnessInput {
  commitment: string;
  total: number;
  salt: string;
  shares: number[];
  /** Claims oldest first. */
  claimedAmounts: number[];
}

export type FairnessVerdict = 'ok' | 'commitment-mismatch' | 'total-mismatch' | 'claims-mismatch';

export function checkFairness(input: FairnessInput, verifyCommitment: (commitment: string, salt: string, shares: number[]) => boolean): FairnessVerdict {
  if (!verifyCommitment(input.commitment, input.salt, input.shares)) return 'commitment-mismatch';
  if (input.shares.reduce((sum, share) => sum + share, 0) !== input.total) return 'total-mismatch';
  if (input.claimedAmounts.some((amount, index) => input.shares[index] !== amount)) return 'claims-mismatch';
  return 'ok';
}
