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

/**
 * Masks an openid (or any identifier) for support staff: keeps the first and last 3 characters,
 * hides the middle. `oAbc123456xyz` → `oAb*******xyz`; short ones keep one character each side.
 */
export function maskOpenid(openid: string): string {
  const chars = Array.from(openid);
  if (chars.length <= 2) return '*'.repeat(chars.length);
  const keep = chars.length >= 9 ? 3 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - 2 * keep) + chars.slice(-keep).join('');
}
