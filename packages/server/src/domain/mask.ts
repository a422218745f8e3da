/**
 * Masks a display name for other people's eyes: keeps the first character (and the last, for
 * names of four or more), hides the rest. `张三` → `张*`, `alice` → `a***e`.
 */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return '*';
  if (chars.length <= 3) return chars[0] + '*'.repeat(chars.length - 1);
  return chars[0] + '*'.repeat(Math.min(chars.length - 2, 3)) + chars[chars.length - 1];
}
