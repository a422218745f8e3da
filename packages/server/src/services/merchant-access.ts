import type { Tier } from '@hongbao/protocol';
import { fail } from '../errors';
import type { Actor } from './context';

/**
 * Merchant operations are for merchant tiers only, whichever way the caller authenticated (a
 * session cannot reach them either): TIER_API_FORBIDDEN names what the tier lacks.
 */
export function requireTier(actor: Actor, tiers: readonly Tier[], what: string): void {
  if (!tiers.includes(actor.account.tier)) {
    fail('TIER_API_FORBIDDEN', `${what} ${tiers.length === 1 ? `is for the ${tiers[0]} tier` : `is for the ${tiers.join(' and ')} tiers`}; this account is ${actor.account.tier}.`);
  }
}

/** Parses a numeric cursor this API handed out; VALIDATION_FAILED for anything else. */
export function numericCursor(cursor: string | undefined): number | null {
  if (cursor === undefined || cursor === '') return null;
  if (!/^\d{1,15}$/.test(cursor)) fail('VALIDATION_FAILED', 'cursor is not one this API returned.', { field: 'cursor' });
  return Number(cursor);
}
