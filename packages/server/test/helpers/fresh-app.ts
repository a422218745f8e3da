import { createTestApp, type TestApp } from '../../src/testing/harness';

/**
 * Gives every test of the file a fresh app on its own SQLite file (handed to `set`), and after
 * each test asserts the money invariants of the app then in use (`get`: a test may swap in an app
 * of its own) before closing it.
 *
 * @example
 * let t: TestApp;
 * freshAppPerTest((app) => (t = app), () => t);
 */
export function freshAppPerTest(set: (app: TestApp) => void, get: () => TestApp, options?: Parameters<typeof createTestApp>[0]): void {
  beforeEach(async () => {
    set(await createTestApp(options));
  });
  afterEach(async () => {
    const app = get();
    await app.checkInvariants();
    await app.close();
  });
}

/** The header of a session-authenticated request. */
export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
