import { randomBytes } from 'node:crypto';

/** Resource ids: a short type prefix and 12 random bytes in base64url (16 characters). */
export type IdPrefix = 'acc' | 'pk' | 'cl' | 'pay' | 'tr' | 'app' | 'la';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
