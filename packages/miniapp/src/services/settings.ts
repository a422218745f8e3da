/** The settings store: UI state only, persisted to storage, read by `useSettings`. */
import { readSettings, writeSettings, type Settings } from '../lib/settings';
import { taroStorage } from './storage';

type Listener = () => void;
let current: Settings | null = null;
const listeners = new Set<Listener>();

export const settingsStore = {
  get(): Settings {
    current ??= readSettings(taroStorage);
    return current;
  },
  update(patch: Partial<Settings>): void {
    current = { ...settingsStore.get(), ...patch };
    writeSettings(taroStorage, current);
    for (const listener of [...listeners]) listener();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
