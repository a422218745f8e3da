import type { RiskRule } from '../types';

/** Rule 6: blacklisted accounts and devices are refused at once, until an admin removes the entry. */
export const blacklist: RiskRule = {
  id: 'blacklist',
  actions: ['create', 'claim', 'payment'],
  async evaluate(_request, env) {
    const entry = (await env.standing()).blacklisted;
    if (!entry) return null;
    return { rule: this.id, outcome: 'block', reason: `This ${entry.kind} is blacklisted: ${entry.reason}`, until: null };
  },
};
