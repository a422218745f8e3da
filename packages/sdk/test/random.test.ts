import { randomHex, uuid4 } from '../src/core/random';

describe('idempotency keys and nonces', () => {
  it('are version-4 UUIDs and hex strings that do not repeat', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => uuid4()));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('stay unique without crypto.getRandomValues, as in WeChat mini-programs', () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      const keys = new Set(Array.from({ length: 1000 }, () => uuid4()));
      expect(keys.size).toBe(1000);
      expect(new Set(Array.from({ length: 1000 }, () => randomHex(16))).size).toBe(1000);
    } finally {
      Object.defineProperty(globalThis, 'crypto', original);
    }
  });
});
