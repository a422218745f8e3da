/**
 * Spoken announcements: the voice broadcast of a payment (收款到账 ¥x) and the text a screen
 * reader hears for an amount. Platforms speak through an `Announcer` (see services/announcer).
 */
import { translate, type Lang } from './i18n';
import { spokenAmount } from './money';

export interface Announcer {
  /** Speaks `text` in `lang`; calls while one is speaking queue behind it. */
  announce(text: string, lang: Lang): void;
}

export function paymentAnnouncement(amount: number, lang: Lang): string {
  return translate(lang, 'paymentArrived', { amount: spokenAmount(amount, lang) });
}

/**
 * The payments in `latest` that `seen` does not hold, oldest first, so that the broadcast reads
 * them in the order they arrived. The first load is not announced: `seen` null means "remember,
 * do not speak".
 */
export function newPayments<T extends { id: string }>(latest: T[], seen: ReadonlySet<string> | null): T[] {
  if (seen === null) return [];
  return latest.filter((payment) => !seen.has(payment.id)).reverse();
}
