/** Money as people read and type it. Amounts are integer fen everywhere else. */
import { formatFen, parseYuan } from './protocol';

export { formatFen, parseYuan };

/** Fen as the text of an amount field: `1000` → `'10.00'`. */
export function fenToInput(fen: number): string {
  return formatFen(fen).replace(/^¥/, '').replace(/,/g, '');
}

/**
 * What a screen reader or the voice broadcast says for an amount: digits with the unit spelled
 * out, because "¥" is read inconsistently by speech engines.
 * @example spokenAmount(1234, 'zh') // '12.34元'
 */
export function spokenAmount(fen: number, lang: 'zh' | 'en'): string {
  const text = fenToInput(fen);
  return lang === 'zh' ? `${text}元` : `${text} yuan`;
}
