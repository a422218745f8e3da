import type { RiskRule } from '../types';

/**
 * Rule 8: several accounts on one device paying the same collect code (one person splitting a
 * payment over accounts, or a farm of accounts) restrict payments from the device and from every
 * account involved for `sharedDeviceRestrictionDays` days. The payment that shows it is refused.
 */
export const sharedDeviceCode: RiskRule = {
  id: 'shared-device-code',
  actions: ['payment'],
  async evaluate(request, env) {
    if (!request.deviceId || !request.code) return null;
    const since = env.now - env.config.sharedDeviceWindowHours * 3_600_000;
    const others = (await env.store.payersOnDevice(request.deviceId, request.code.id, since)).filter((payer) => payer !== request.account.id);
    if (others.length < env.config.sharedDeviceMaxAccounts) return null;
    const until = env.now + env.config.sharedDeviceRestrictionDays * 86_400_000;
    const accounts = [request.account.id, ...others];
    return {
      rule: this.id,
      outcome: 'block',
      reason: `${accounts.length} accounts paid collect code ${request.code.id} from one device; payments are restricted for ${env.config.sharedDeviceRestrictionDays} days.`,
      until,
      restrictions: [
        { kind: 'device', subject: request.deviceId, scope: 'payment', until },
        ...accounts.map((account) => ({ kind: 'account' as const, subject: account, scope: 'payment' as const, until })),
      ],
    };
  },
};
