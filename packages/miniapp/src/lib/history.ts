/** Rows of the history page built from the wallet ledger (payments in and out). */
export interface LedgerEntryLike {
  id: string;
  kind: string;
  amount: number;
  createdAt: string;
  reference: string | null;
}

export interface PaymentRow {
  id: string;
  direction: 'in' | 'out';
  amount: number;
  createdAt: string;
}

/** Payments into the user's collect codes and out of the user's wallet to others', newest first as given. */
export function paymentRows(entries: LedgerEntryLike[]): PaymentRow[] {
  return entries
    .filter((entry) => entry.kind === 'payment')
    .map((entry) => ({ id: entry.id, direction: entry.amount >= 0 ? 'in' : 'out', amount: Math.abs(entry.amount), createdAt: entry.createdAt }));
}

/** `2026-01-02T03:04:05Z` as local `01-02 11:04` (month-day hour:minute). */
export function shortTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay ? time : `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}
