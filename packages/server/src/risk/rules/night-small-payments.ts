import type { RiskRule } from '../types';

/** Asia/Shanghai has kept UTC+8 all year since 1991: the local hour needs no time-zone database. */
export function shanghaiHour(ms: number): number {
  return new Date(ms + 8 * 3_600_000).getUTCHours();
}

/** Whether `hour` falls in [start, end), a window that may wrap past midnight. */
export function inWindow(hour: number, start: number, end: number): boolean {
  return start <= end ? hour >= start && hour < end : hour >= start || hour < end;
}

/**
 * Rule 4: at night (00:00–06:00 Asia/Shanghai by default), more than `nightMaxPayments` payments
 * under `nightSmallAmount` by one account within `nightWindowMinutes` (card testing, laundering in
 * crumbs) raise a review flag and restrict the account until a reviewer clears it or
 * `nightRestrictionHours` pass. The payment that trips it is refused.
 */
export const nightSmallPayments: RiskRule = {
  id: 'night-small-payments',
  actions: ['payment'],
  async evaluate(request, env) {
    const { config } = env;
    if (request.amount === null || request.amount >= config.nightSmallAmount) return null;
    if (!inWindow(shanghaiHour(env.now), config.nightStartHour, config.nightEndHour)) return null;
    const earlier = await env.store.smallPaymentsSince(request.account.id, config.nightSmallAmount, env.now - config.nightWindowMinutes * 60_000);
    if (earlier + 1 <= config.nightMaxPayments) return null;
    const until = env.now + config.nightRestrictionHours * 3_600_000;
    return {
      rule: this.id,
      outcome: 'review',
      refuse: true,
      reason: `${earlier + 1} payments under ${config.nightSmallAmount} fen within ${config.nightWindowMinutes} minutes at night (more than ${config.nightMaxPayments}).`,
      until,
      flag: true,
      restrictions: [{ kind: 'account', subject: request.account.id, scope: 'all', until }],
    };
  },
};
