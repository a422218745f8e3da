import type { RiskRule } from '../types';

const DAY_MS = 86_400_000;

/**
 * Rule 3: one device serves at most `deviceMaxAccounts` accounts in any `deviceWindowDays` days.
 * An account already seen on the device within the window keeps working; a new one is refused
 * (DEVICE_ACCOUNT_LIMIT) until enough of the others age out of the window.
 */
export const deviceAccounts: RiskRule = {
  id: 'device-accounts',
  actions: ['create', 'claim', 'payment'],
  async evaluate(request, env) {
    if (!request.deviceId) return null;
    const windowMs = env.config.deviceWindowDays * DAY_MS;
    const seen = await env.store.deviceAccounts(request.deviceId, env.now - windowMs);
    if (seen.some((row) => row.account_id === request.account.id)) return null;
    const max = env.config.deviceMaxAccounts;
    if (seen.length < max) return null;
    // Seen least recently first: a slot frees when all but max-1 of them have aged out.
    const until = seen[seen.length - max].last_seen + windowMs;
    return {
      rule: this.id,
      outcome: 'block',
      errorCode: 'DEVICE_ACCOUNT_LIMIT',
      reason: `This device already served ${seen.length} accounts in the last ${env.config.deviceWindowDays} days (at most ${max}).`,
      until,
    };
  },
};
