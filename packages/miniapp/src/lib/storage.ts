/** A synchronous key-value store: Taro's storage in the app, a Map in tests. Values are JSON. */
export interface KeyValueStorage {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export function memoryStorage(initial: Record<string, unknown> = {}): KeyValueStorage & { dump(): Record<string, unknown> } {
  const map = new Map<string, string>(Object.entries(initial).map(([key, value]) => [key, JSON.stringify(value)]));
  return {
    get: (key) => (map.has(key) ? JSON.parse(map.get(key)!) : undefined),
    set: (key, value) => void map.set(key, JSON.stringify(value)),
    remove: (key) => void map.delete(key),
    dump: () => Object.fromEntries([...map].map(([key, value]) => [key, JSON.parse(value)])),
  };
}
