/**
 * Money helpers. Every amount in Hongbao is an integer number of fen (分, 1/100 CNY): on the
 * wire, in storage and in code. Floats never carry money.
 */

/** True when `value` is a safe, non-negative integer amount of fen. */
export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Formats fen as yuan with the currency sign and thousands separators.
 * @example formatFen(12345) // '¥123.45'
 * @example formatFen(-5) // '-¥0.05'
 */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`formatFen expects integer fen, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100).toString().padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}

/**
 * Parses a yuan amount typed by a person ("12", "12.3", "12.34", "¥1,234.50") into fen without
 * going through floating point. Returns `null` for anything that is not a valid amount.
 * @example parseYuan('123.45') // 12345
 */
export function parseYuan(text: string): number | null {
  const cleaned = text.trim().replace(/^¥/, '').replace(/,/g, '');
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/**
 * A fee in fen for `amount` at `rateBps` basis points (1 bp = 0.01%), rounded half up, in
 * integer arithmetic only.
 */
export function feeFor(amount: number, rateBps: number): number {
  return Math.floor((amount * rateBps + 5000) / 10000);
}
