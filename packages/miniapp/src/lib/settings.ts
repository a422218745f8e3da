/** The user's display settings: language, large text and the voice broadcast. */
import type { Lang } from './i18n';
import type { KeyValueStorage } from './storage';

export const SETTINGS_STORAGE_KEY = 'hongbao.settings.v1';

export interface Settings {
  lang: Lang;
  largeText: boolean;
  voice: boolean;
}

export const DEFAULT_SETTINGS: Settings = { lang: 'zh', largeText: false, voice: true };

/** Saved settings merged over the defaults; anything unreadable falls back to its default. */
export function readSettings(storage: KeyValueStorage): Settings {
  const raw = storage.get(SETTINGS_STORAGE_KEY);
  const saved = raw && typeof raw === 'object' ? (raw as Partial<Record<keyof Settings, unknown>>) : {};
  return {
    lang: saved.lang === 'en' || saved.lang === 'zh' ? saved.lang : DEFAULT_SETTINGS.lang,
    largeText: typeof saved.largeText === 'boolean' ? saved.largeText : DEFAULT_SETTINGS.largeText,
    voice: typeof saved.voice === 'boolean' ? saved.voice : DEFAULT_SETTINGS.voice,
  };
}

export function writeSettings(storage: KeyValueStorage, settings: Settings): void {
  storage.set(SETTINGS_STORAGE_KEY, settings);
}
