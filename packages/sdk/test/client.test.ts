import { Hongbao, InvalidArgumentError } from '@hongbao/sdk';
import { inspect } from 'node:util';

describe('new Hongbao(options)', () => {
  it('rejects unknown options, naming them and the valid ones', () => {
    expect(() => new Hongbao({ baseURL: 'http://x', retries: 3 } as never)).toThrow(InvalidArgumentError);
    expect(() => new Hongbao({ baseURL: 'http://x', retries: 3, base: 1 } as never)).toThrow(/Unknown options "retries", "base"; the options are baseURL, auth, adapter/);
  });

  it('rejects a missing or relative baseURL', () => {
    expect(() => new Hongbao({} as never)).toThrow(/baseURL must be an http\(s\) URL/);
    expect(() => new Hongbao({ baseURL: '/api' })).toThrow(/baseURL/);
    expect(() => new Hongbao(undefined as never)).toThrow(/needs an options object/);
  });

  it('rejects malformed auth and negative or fractional numbers', () => {
    expect(() => new Hongbao({ baseURL: 'http://x', auth: '' })).toThrow(/auth must be/);
    expect(() => new Hongbao({ baseURL: 'http://x', auth: { appId: 'a' } as never })).toThrow(/auth must be/);
    expect(() => new Hongbao({ baseURL: 'http://x', maxRetries: -1 })).toThrow(/maxRetries must be a non-negative integer/);
    expect(() => new Hongbao({ baseURL: 'http://x', timeout: 1.5 })).toThrow(/timeout/);
  });

  it('accepts a session token, { token } and merchant credentials', () => {
    expect(new Hongbao({ baseURL: 'http://x', auth: 'tok' }).baseURL).toBe('http://x');
    expect(() => new Hongbao({ baseURL: 'http://x', auth: { token: 'tok' } })).not.toThrow();
    expect(() => new Hongbao({ baseURL: 'https://x', auth: { appId: 'a', secret: 's' } })).not.toThrow();
  });

  it('makes a new client with withOptions and leaves the original unchanged', () => {
    const client = new Hongbao({ baseURL: 'http://x' });
    const other = client.withOptions({ baseURL: 'http://y', auth: 'tok' });
    expect(other).not.toBe(client);
    expect(other.baseURL).toBe('http://y');
    expect(client.baseURL).toBe('http://x');
    expect(() => client.withOptions({ nope: 1 } as never)).toThrow(/Unknown option "nope"/);
  });

  it('exposes every resource and the webhook helpers', () => {
    const client = new Hongbao({ baseURL: 'http://x' });
    for (const name of ['sessions', 'me', 'wallet', 'packets', 'codes', 'claims', 'payments', 'collectCodes', 'scenes', 'keys', 'dev', 'webhooks'] as const) {
      expect(client[name]).toBeDefined();
    }
    expect(typeof client.dev.merchants.create).toBe('function');
  });

  it('never shows merchant credentials or session tokens when logged', () => {
    const client = new Hongbao({ baseURL: 'http://x', auth: { appId: 'app_1', secret: 'super-secret-value' } });
    const user = new Hongbao({ baseURL: 'http://x', auth: 'session-token-value' });
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain('super-secret-value');
    expect(inspect(user, { depth: 10, showHidden: true })).not.toContain('session-token-value');
    expect(JSON.stringify(client)).not.toContain('super-secret-value');
  });
});
