import { View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { useSettings } from '../../hooks/useSettings';

export interface ScreenProps {
  /** The page's name, for tests and styles: the root gets `screen screen-<name>`. */
  name: string;
  /**
   * Text for screen readers to speak when it changes (an amount received, an error, a result):
   * it goes into a polite live region that is not shown.
   */
  announce?: string;
  children: ReactNode;
}

/** Every page's root: applies the large-text setting and holds the page's live region. */
export function Screen({ name, announce, children }: ScreenProps) {
  const [{ largeText, lang }] = useSettings();
  return (
    <View className={`screen screen-${name}${largeText ? ' screen--large' : ''}`} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      {children}
      <View className="sr-only live-region" aria-live="polite" role="status">
        {announce ?? ''}
      </View>
    </View>
  );
}
