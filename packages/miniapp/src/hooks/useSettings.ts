import { useCallback, useSyncExternalStore } from 'react';
import { translate, type MessageKey, type Params } from '../lib/i18n';
import { describeError, type FriendlyError } from '../lib/errors';
import type { Settings } from '../lib/settings';
import { settingsStore } from '../services/settings';

export function useSettings(): [Settings, (patch: Partial<Settings>) => void] {
  const settings = useSyncExternalStore(settingsStore.subscribe, settingsStore.get, settingsStore.get);
  return [settings, settingsStore.update];
}

/** `t(key, params)` in the user's language, and `explain(error)` for anything an SDK call threw. */
export function useT(): { t: (key: MessageKey, params?: Params) => string; explain: (error: unknown) => FriendlyError; lang: Settings['lang'] } {
  const [{ lang }] = useSettings();
  const t = useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
  const explain = useCallback((error: unknown) => describeError(error, lang), [lang]);
  return { t, explain, lang };
}
