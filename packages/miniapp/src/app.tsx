import type { PropsWithChildren } from 'react';
import './app.css';

/** The app shell: Taro renders each page as `children`. Sessions start lazily, on a page's first API call. */
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
