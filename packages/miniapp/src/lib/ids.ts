/**
 * Random identifiers for idempotency keys and dev device ids. They only need to be unique per
 * user, not secret, and mini-program runtimes lack a dependable `crypto.getRandomValues`, so this
 * mixes the clock with Math.random (about 62 bits of randomness).
 */
export function randomId(prefix: string, now: number = Date.now(), random: () => number = Math.random): string {
  let tail = '';
  for (let i = 0; i < 12; i += 1) tail += Math.floor(random() * 36).toString(36);
  return `${prefix}-${now.toString(36)}-${tail}`;
}
