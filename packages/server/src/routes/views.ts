import type { User } from '@hongbao/protocol';
import { toIso } from '../clock';
import type { AccountRow } from '../store/accounts';

/** The public shape of an account. */
export function userView(account: AccountRow): User {
  return {
    id: account.id,
    kind: account.kind === 'merchant' ? 'merchant' : 'user',
    name: account.name,
    tier: account.tier,
    role: account.role,
    region: account.region,
    createdAt: toIso(account.created_at),
  };
}
