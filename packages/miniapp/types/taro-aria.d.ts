/**
 * ARIA on Taro components: hyphenated `aria-*` attributes type-check as they are; `role` and
 * `lang` need declaring. H5 renders them as DOM attributes; on weapp the app's Taro plugin adds
 * the `aria-*` attributes WeChat supports to the templates.
 */
import '@tarojs/components/types/common';

declare module '@tarojs/components/types/common' {
  interface StandardProps {
    role?: string;
    lang?: string;
  }
}
