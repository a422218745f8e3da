import type { RiskRule } from '../types';

/** Rule 5: a single transaction above `amlThreshold` (¥50,000) files a large-transaction report 大额交易报告. */
export const amlLargeTransaction: RiskRule = {
  id: 'aml-large-transaction',
  actions: ['create', 'payment'],
  evaluate(request, env) {
    if (request.amount === null || request.amount <= env.config.amlThreshold) return null;
    return { rule: this.id, outcome: 'report', reason: `A single transaction of ${request.amount} fen is above the AML threshold of ${env.config.amlThreshold} fen.`, report: true };
  },
};
