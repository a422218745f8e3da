import type { RiskRule } from '../types';

/**
 * Enforces restrictions placed earlier by other rules (night-time review, shared device): the
 * refusal names the rule that placed it, its reason, and when it lifts.
 */
export const restriction: RiskRule = {
  id: 'restriction',
  actions: ['create', 'claim', 'payment'],
  async evaluate(request, env) {
    const scope = request.action === 'payment' ? 'payment' : 'all';
    const active = await env.store.activeRestriction(request.account.id, request.deviceId, scope, env.now);
    if (!active) return null;
    const what = active.subject_kind === 'account' ? 'This account' : 'This device';
    return { rule: active.rule, outcome: 'block', reason: `${what} is restricted: ${active.reason}`, until: active.until };
  },
};
