import type { RiskRule } from '../types';

/**
 * Enforces restrictions placed earlier by other rules (night-time review, shared device): the
 * refusal names the rule that placed it, its reason, and when it lifts.
 */
export const restriction: RiskRule = {
  id: 'restriction',
  actions: ['create', 'claim', 'payment'],
  async evaluate(_request, env) {
    // The restrictions covering this request's scope (payments, or all), as of env.now.
    const active = (await env.standing()).restriction;
    if (!active) return null;
    const what = active.subject_kind === 'account' ? 'This account' : 'This device';
    return { rule: active.rule, outcome: 'block', reason: `${what} is restricted: ${active.reason}`, until: active.until };
  },
};
