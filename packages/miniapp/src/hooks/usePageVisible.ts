import { useDidHide, useDidShow } from '@tarojs/taro';
import { useState } from 'react';

/** False while the page is hidden (another page on top, app in background): live updates pause then. */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(true);
  useDidShow(() => setVisible(true));
  useDidHide(() => setVisible(false));
  return visible;
}
