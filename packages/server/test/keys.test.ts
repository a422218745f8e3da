import { randomBytes } from 'node:crypto';
import { encodeToken, generateCodeKey, readTokenHeader, verifyTokenSignature } from '../src/codes/token-codec';
import { KeyService } from '../src/services/keys';
import type { TestApp } from '../src/testing/harness';
import { freshAppPerTest } from './helpers/fresh-app';
import { call, clockOf, createCollectCode, pay, tamper } from './helpers/codes';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

const keyRows = () => t.database.all('SELECT scheme, kid FROM code_keys ORDER BY scheme, kid');
const services = () => t.app.hongbao.services;

async function people() {
  const owner = await t.login('owner');
  const payer = await t.login('payer');
  await t.topup(payer.token, 100_000);
  return { owner, payer };
}

describe('keyring', () => {
  it('creates one key per scheme at start, and only once', async () => {
    const created = await keyRows();
    expect(created).toEqual([
      { scheme: 'aes-gcm', kid: 1 },
      { scheme: 'aes-gcm-ed25519', kid: 1 },
      { scheme: 'sm4-ctr-hmac-sm3', kid: 1 },
    ]);
    await services().keys.ensureKeys();
    expect(await keyRows()).toEqual(created);
  });

  it('rotates to a new kid per scheme: new tokens use it and tokens of the old kid still work', async () => {
    const { owner, payer } = await people();
    const before = await createCollectCode(t, owner.token);
    expect(await services().keys.rotate()).toEqual([
      { scheme: 'aes-gcm', kid: 2 },
      { scheme: 'sm4-ctr-hmac-sm3', kid: 2 },
      { scheme: 'aes-gcm-ed25519', kid: 2 },
    ]);
    const after = await createCollectCode(t, owner.token);
    expect(after.keyId).toBe(2);
    expect(readTokenHeader(after.token)?.kid).toBe(2);
    expect((await call(t, payer.token, 'GET', `/v1/codes/resolve?token=${before.token}`)).status).toBe(200);
    expect((await pay(t, payer.token, before.token, { amount: 100 })).status).toBe(201);
    expect((await pay(t, payer.token, after.token, { amount: 101 })).status).toBe(201);
  });

  it('rejects a well-formed token under a kid the keyring does not have as CODE_INVALID', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    const now = Math.floor(clockOf(t).now() / 1000);
    const forged = encodeToken(
      { codeId: code.id, kind: 'collect', version: 1, issuedAt: now, expiresAt: now + 120, nonce: randomBytes(8) },
      generateCodeKey('aes-gcm', 99),
    );
    const answer = await pay(t, payer.token, forged, { amount: 100 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('CODE_INVALID');
  });

  it('accepts tokens under a key another process added, and issues under it after the cache refreshes', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    // The CLI's `keys rotate` is another KeyService over the same database.
    const cli = new KeyService(t.app.hongbao.ctx);
    await cli.ensureKeys();
    await cli.rotate();
    const now = Math.floor(clockOf(t).now() / 1000);
    const token = encodeToken({ codeId: code.id, kind: 'collect', version: 1, issuedAt: now, expiresAt: now + 120, nonce: randomBytes(8) }, await cli.activeKey('aes-gcm'));
    expect((await pay(t, payer.token, token, { amount: 100 })).status).toBe(201);

    clockOf(t).advance(61_000);
    expect((await createCollectCode(t, owner.token)).keyId).toBe(2);
  });

  it('stops accepting a key removed from the table once the cache refreshes', async () => {
    const { owner, payer } = await people();
    const code = await createCollectCode(t, owner.token);
    await services().keys.rotate();
    await t.database.run("DELETE FROM code_keys WHERE scheme = 'aes-gcm' AND kid = 1");
    clockOf(t).advance(61_000);
    expect((await pay(t, payer.token, code.token, { amount: 100 })).body.error.code).toBe('CODE_INVALID');
  });
});

describe('published provider keys', () => {
  it('publishes the Ed25519 key of every kid, and a provider token verifies offline with it', async () => {
    const provider = await t.merchant({ tier: 'provider', name: '聚合服务商' });
    const first = await createCollectCode(t, provider);
    await services().keys.rotate();
    const second = await createCollectCode(t, provider);

    const published = await t.app.inject({ method: 'GET', url: '/v1/keys' });
    expect(published.statusCode).toBe(200);
    const { keys } = published.json() as { keys: Array<{ kid: number; scheme: string; publicKey: string }> };
    expect(keys.map((key) => [key.scheme, key.kid])).toEqual([
      ['aes-gcm-ed25519', 1],
      ['aes-gcm-ed25519', 2],
    ]);
    const keyFor = (token: string) => keys.find((key) => key.kid === readTokenHeader(token)?.kid)!.publicKey;
    for (const code of [first, second]) {
      expect(keyFor(code.token)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(verifyTokenSignature(code.token, keyFor(code.token))).toBe(true);
      expect(verifyTokenSignature(tamper(code.token), keyFor(code.token))).toBe(false);
    }
    expect(verifyTokenSignature(second.token, keys[0].publicKey)).toBe(false);
  });

  it('publishes no secret material', async () => {
    const body = (await t.app.inject({ method: 'GET', url: '/v1/keys' })).body;
    expect(body).not.toMatch(/PRIVATE KEY|secret/i);
  });
});
