import type { RiskRule } from '../types';

/**
 * Rule 2: the payment that makes `sameAmountStreak` equal payments in a row into one collect code
 * goes through and freezes the code (SPEC section 4; the code service applies the freeze in the
 * same transaction). This rule records the decision and why.
 */
export const sameAmountStreak: RiskRule = {
  id: 'same-amount-streak',
  actions: ['payment'],
  evaluate(request, env) {
    const code = request.code;
    if (!code || request.amount === null) return null;
    const streak = code.last_amount === request.amount ? code.same_amount_streak + 1 : 1;
    if (streak < env.config.sameAmountStreak) return null;
    return {
      rule: this.id,
      outcome: 'freeze',
      reason: `${streak} payments of ${request.amount} fen in a row into collect code ${code.id}; the code is frozen for review.`,
      until: null,
    };
  },
};
