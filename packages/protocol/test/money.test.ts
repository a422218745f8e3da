import fc from 'fast-check';
import { feeFor, formatFen, isFen, parseYuan } from '../src';

describe('money helpers', () => {
  it('formats fen as yuan with the currency sign and separators', () => {
    expect(formatFen(12345)).toBe('¥123.45');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(formatFen(-5)).toBe('-¥0.05');
  });

  it('refuses to format a fractional amount', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });

  it('parses yuan text into fen without floating point error', () => {
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('¥1,234.50')).toBe(123450);
    expect(parseYuan(' 12 ')).toBe(1200);
    for (const bad of ['', '1.234', '-1', 'abc', '1e3', '.5']) expect(parseYuan(bad)).toBeNull();
  });

  it('round-trips every amount through formatting and parsing', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (fen) => parseYuan(formatFen(fen)) === fen));
  });

  it('computes fees in integer fen, rounding half up', () => {
    expect(feeFor(10_000, 60)).toBe(60);
    expect(feeFor(100, 60)).toBe(1); // 0.6 fen rounds up
    expect(feeFor(83, 60)).toBe(0); // 0.498 fen rounds down
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 100 }), (amount, bps) => Number.isInteger(feeFor(amount, bps)) && feeFor(amount, bps) <= amount));
  });

  it('recognises integer fen only', () => {
    expect(isFen(100)).toBe(true);
    expect(isFen(-1)).toBe(false);
    expect(isFen(1.5)).toBe(false);
    expect(isFen('100')).toBe(false);
  });
});
