import { readTokenHeader } from '../src/codes/token-codec';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { freshAppPerTest } from './helpers/fresh-app';
import { call, clockOf, createCollectCode, pay, snapshot, tamper } from './helpers/codes';

let t: TestApp;
freshAppPerTest((app) => (t = app), () => t);

const seconds = (code: { issuedAt: string; expiresAt: string; refreshAt: string }) => ({
  ttl: (Date.parse(code.expiresAt) - Date.parse(code.issuedAt)) / 1000,
  refresh: (Date.parse(code.refreshAt) - Date.parse(code.issuedAt)) / 1000,
});

/** An owner with a collect code and a funded payer. */
async function collectScenario(body: Record<string, unknown> = {}) {
  const owner = await t.login('owner', { name: '店主老王' });
  const payer = await t.login('payer', { name: '张三丰' });
  await t.topup(payer.token, 100_000);
  const code = await createCollectCode(t, owner.token, body);
  return { owner, payer, code };
}

describe('collect codes per tier', () => {
  it('issues a personal code under AES-256-GCM, valid 120 s, refreshing after 60 s', async () => {
    const { token } = await t.login('alice');
    const code = await createCollectCode(t, token, { scene: 'wedding', title: '婚礼收礼' });
    expect(code).toMatchObject({ kind: 'collect', status: 'active', version: 1, packetId: null, scene: 'wedding', title: '婚礼收礼', fixedAmount: null, geofence: null, keyId: 1 });
    expect(readTokenHeader(code.token)).toEqual({ scheme: 'aes-gcm', kid: 1 });
    expect(seconds(code)).toEqual({ ttl: 120, refresh: 60 });
    expect(code.url).toBe(`http://localhost:80/c/${code.token}`);
  });

  it('issues an enterprise code under SM4 for a signed merchant request, valid 180 s', async () => {
    const merchant = await t.merchant({ tier: 'enterprise', name: '好再来餐厅' });
    const code = await createCollectCode(t, merchant, { fixedAmount: 1_500 });
    expect(code).toMatchObject({ ownerId: merchant.accountId, fixedAmount: 1_500 });
    expect(readTokenHeader(code.token)?.scheme).toBe('sm4-ctr-hmac-sm3');
    expect(seconds(code).ttl).toBe(180);
  });

  it('issues a provider code under AES-GCM + Ed25519 with the contract TTL by default', async () => {
    const provider = await t.merchant({ tier: 'provider', name: '聚合服务商', codeTtlSeconds: 900 });
    const code = await createCollectCode(t, provider);
    expect(readTokenHeader(code.token)?.scheme).toBe('aes-gcm-ed25519');
    expect(seconds(code)).toEqual({ ttl: 900, refresh: 60 });
  });

  it('lets a provider choose a custom TTL and refreshes short-lived codes at half their TTL', async () => {
    const provider = await t.merchant({ tier: 'provider', name: '聚合服务商' });
    expect(seconds(await createCollectCode(t, provider, { ttlSeconds: 3600 })).ttl).toBe(3600);
    expect(seconds(await createCollectCode(t, provider, { ttlSeconds: 30 }))).toEqual({ ttl: 30, refresh: 15 });
  });

  it('answers TIER_API_FORBIDDEN when an enterprise or personal account sends ttlSeconds', async () => {
    const merchant = await t.merchant({ tier: 'enterprise', name: '好再来餐厅' });
    const { token } = await t.login('alice');
    const before = await snapshot(t);
    for (const caller of [merchant, token]) {
      const answer = await call(t, caller, 'POST', '/v1/collect-codes', { ttlSeconds: 600 });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatchObject({ code: 'TIER_API_FORBIDDEN', field: 'ttlSeconds' });
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('rejects a TTL outside 30 to 3600 s naming the field', async () => {
    const provider = await t.merchant({ tier: 'provider', name: '聚合服务商' });
    const answer = await call(t, provider, 'POST', '/v1/collect-codes', { ttlSeconds: 29 });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'ttlSeconds' });
  });

  it('builds code URLs on the configured public URL', async () => {
    await t.close();
    t = await createTestApp({ config: { publicUrl: 'https://hb.example.com' } });
    const { token } = await t.login('alice');
    const code = await createCollectCode(t, token);
    expect(code.url).toBe(`https://hb.example.com/c/${code.token}`);
  });
});

describe('token checks', () => {
  it('rejects a tampered token as CODE_INVALID and changes nothing', async () => {
    const { payer, code } = await collectScenario();
    const before = await snapshot(t);
    const answer = await pay(t, payer.token, tamper(code.token), { amount: 100 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('CODE_INVALID');
    expect(await snapshot(t)).toEqual(before);
  });

  it('rejects a tampered token of every scheme as CODE_INVALID', async () => {
    const payer = await t.login('payer');
    await t.topup(payer.token, 10_000);
    const owners = [(await t.login('owner')).token, await t.merchant({ tier: 'enterprise', name: '商户' }), await t.merchant({ tier: 'provider', name: '服务商' })];
    for (const owner of owners) {
      const code = await createCollectCode(t, owner);
      expect((await pay(t, payer.token, tamper(code.token), { amount: 100 })).body.error.code).toBe('CODE_INVALID');
      expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    }
  });

  it('rejects text that is not a token as CODE_INVALID', async () => {
    const { payer } = await collectScenario();
    for (const token of ['hello', 'A'.repeat(86), '!!!']) {
      expect((await pay(t, payer.token, token, { amount: 100 })).body.error.code).toBe('CODE_INVALID');
    }
  });

  it('accepts a token until its expiry and answers CODE_EXPIRED after', async () => {
    const { payer, code } = await collectScenario();
    clockOf(t).advance(119_000);
    expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    clockOf(t).advance(2_000);
    const before = await snapshot(t);
    const answer = await pay(t, payer.token, code.token, { amount: 101 });
    expect(answer.status).toBe(410);
    expect(answer.body.error.code).toBe('CODE_EXPIRED');
    expect(await snapshot(t)).toEqual(before);
  });

  it('keeps a superseded token valid until its own expiry after a refresh', async () => {
    const { owner, payer, code } = await collectScenario();
    clockOf(t).advance(60_000);
    const refreshed = await call(t, owner.token, 'POST', `/v1/codes/${code.id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.code).toMatchObject({ id: code.id, version: 2 });
    expect(refreshed.body.code.token).not.toBe(code.token);
    expect(Date.parse(refreshed.body.code.expiresAt)).toBe(Date.parse(code.expiresAt) + 60_000);

    expect((await pay(t, payer.token, code.token, { amount: 100 })).status).toBe(201);
    clockOf(t).advance(61_000); // the first token is now past its 120 s; the refreshed one is not
    expect((await pay(t, payer.token, code.token, { amount: 101 })).body.error.code).toBe('CODE_EXPIRED');
    expect((await pay(t, payer.token, refreshed.body.code.token, { amount: 102 })).status).toBe(201);
  });

  it('answers CODE_REVOKED for every token of a revoked code and refuses to refresh it', async () => {
    const { owner, payer, code } = await collectScenario();
    const refreshed = (await call(t, owner.token, 'POST', `/v1/codes/${code.id}/refresh`)).body.code;
    const revoked = await call(t, owner.token, 'DELETE', `/v1/codes/${code.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.code).toMatchObject({ status: 'revoked', version: 3 });

    for (const token of [code.token, refreshed.token]) {
      const answer = await pay(t, payer.token, token, { amount: 100 });
      expect(answer.status).toBe(410);
      expect(answer.body.error.code).toBe('CODE_REVOKED');
    }
    expect((await call(t, owner.token, 'POST', `/v1/codes/${code.id}/refresh`)).body.error.code).toBe('CODE_REVOKED');
    expect((await call(t, payer.token, 'GET', `/v1/codes/resolve?token=${code.token}`)).body.error.code).toBe('CODE_REVOKED');
  });

  it('treats revoking twice as a no-op', async () => {
    const { owner, code } = await collectScenario();
    await call(t, owner.token, 'DELETE', `/v1/codes/${code.id}`);
    const again = await call(t, owner.token, 'DELETE', `/v1/codes/${code.id}`);
    expect(again.status).toBe(200);
    expect(again.body.code).toMatchObject({ status: 'revoked', version: 2 });
  });

  it('checks revocation before expiry, so an old token of a revoked code says CODE_REVOKED', async () => {
    const { owner, payer, code } = await collectScenario();
    await call(t, owner.token, 'DELETE', `/v1/codes/${code.id}`);
    clockOf(t).advance(3_600_000);
    expect((await pay(t, payer.token, code.token, { amount: 100 })).body.error.code).toBe('CODE_REVOKED');
  });
});

describe('geofence', () => {
  const fence = { lat: 31.2304, lng: 121.4737, radiusMeters: 200 };

  it('answers OUT_OF_AREA without a location or outside the radius, and accepts a payer inside', async () => {
    const { payer, code } = await collectScenario({ geofence: fence });
    expect(code.geofence).toEqual(fence);
    const before = await snapshot(t);
    const missing = await pay(t, payer.token, code.token, { amount: 100 });
    expect(missing.status).toBe(403);
    expect(missing.body.error).toMatchObject({ code: 'OUT_OF_AREA', field: 'location' });
    // About 1.1 km north of the centre.
    const outside = await pay(t, payer.token, code.token, { amount: 100, location: { lat: 31.2404, lng: 121.4737 } });
    expect(outside.body.error.code).toBe('OUT_OF_AREA');
    expect(await snapshot(t)).toEqual(before);
    // About 110 m north of the centre.
    const inside = await pay(t, payer.token, code.token, { amount: 100, location: { lat: 31.2314, lng: 121.4737 } });
    expect(inside.status).toBe(201);
  });

  it('reports a geofence on resolve without asking for a location', async () => {
    const { payer, code } = await collectScenario({ geofence: fence });
    const answer = await call(t, payer.token, 'GET', `/v1/codes/resolve?token=${code.token}`);
    expect(answer.body.code).toMatchObject({ id: code.id, geofenced: true });
  });
});

describe('claim codes', () => {
  async function packet(token: string, body: Record<string, unknown> = {}) {
    const answer = await call(t, token, 'POST', '/v1/packets', { mode: 'random', total: 1_000, count: 5, message: '新年快乐', scene: 'new-year', ...body });
    if (answer.status !== 201) throw new Error(`packet: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.packet;
  }

  it('issues a claim code for the packet’s sender and resolves it to the packet cover', async () => {
    const sender = await t.login('sender', { name: '李四' });
    const friend = await t.login('friend');
    await t.topup(sender.token, 10_000);
    const sent = await packet(sender.token);
    const issued = await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {});
    expect(issued.status).toBe(201);
    expect(issued.body.code).toMatchObject({ kind: 'claim', packetId: sent.id, ownerId: sender.userId, status: 'active', version: 1 });
    expect(readTokenHeader(issued.body.code.token)?.scheme).toBe('aes-gcm');

    const resolved = await call(t, friend.token, 'GET', `/v1/codes/resolve?token=${issued.body.code.token}`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({
      code: { id: issued.body.code.id, kind: 'claim', status: 'active', expiresAt: issued.body.code.expiresAt, geofenced: false },
      packet: { id: sent.id, senderName: '李四', mode: 'random', message: '新年快乐', scene: 'new-year', status: 'active', count: 5, claimedCount: 0, exclusive: false },
      collect: null,
    });
  });

  it('answers NOT_FOUND for an unknown packet and FORBIDDEN for someone else’s', async () => {
    const sender = await t.login('sender');
    const other = await t.login('other');
    await t.topup(sender.token, 10_000);
    const sent = await packet(sender.token);
    expect((await call(t, sender.token, 'POST', '/v1/packets/pk_unknown/codes', {})).body.error.code).toBe('NOT_FOUND');
    const before = await snapshot(t);
    const forbidden = await call(t, other.token, 'POST', `/v1/packets/${sent.id}/codes`, {});
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect(await snapshot(t)).toEqual(before);
  });

  it('answers PACKET_EXPIRED for a packet past its claim window', async () => {
    const sender = await t.login('sender');
    await t.topup(sender.token, 10_000);
    const sent = await packet(sender.token, { expiresIn: 60 });
    clockOf(t).advance(61_000);
    const answer = await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {});
    expect(answer.status).toBe(410);
    expect(answer.body.error.code).toBe('PACKET_EXPIRED');
  });

  it('claims through the code, then answers PACKET_EXHAUSTED to new codes and refreshes of a finished packet', async () => {
    const sender = await t.login('sender');
    const friend = await t.login('friend');
    await t.topup(sender.token, 10_000);
    const sent = await packet(sender.token, { mode: 'fixed', total: 500, count: 1 });
    const code = (await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {})).body.code;
    const claimed = await call(t, friend.token, 'POST', '/v1/claims', { token: code.token });
    expect(claimed.status).toBe(201);
    expect(claimed.body.claim.amount).toBe(500);

    const before = await snapshot(t);
    const issued = await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {});
    expect(issued.status).toBe(409);
    expect(issued.body.error.code).toBe('PACKET_EXHAUSTED');
    expect((await call(t, sender.token, 'POST', `/v1/codes/${code.id}/refresh`)).body.error.code).toBe('PACKET_EXHAUSTED');
    expect(await snapshot(t)).toEqual(before);
  });

  it('answers TIER_API_FORBIDDEN to a personal sender asking for a custom TTL', async () => {
    const sender = await t.login('sender');
    await t.topup(sender.token, 10_000);
    const sent = await packet(sender.token);
    const answer = await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, { ttlSeconds: 600 });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('TIER_API_FORBIDDEN');
  });

  it('rejects a claim code’s token where a collect code is expected as CODE_INVALID', async () => {
    const sender = await t.login('sender');
    const payer = await t.login('payer');
    await t.topup(sender.token, 10_000);
    await t.topup(payer.token, 10_000);
    const sent = await packet(sender.token);
    const code = (await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {})).body.code;
    const before = await snapshot(t);
    const answer = await pay(t, payer.token, code.token, { amount: 100 });
    expect(answer.body.error.code).toBe('CODE_INVALID');
    expect(await snapshot(t)).toEqual(before);
  });

  it('issues the same Idempotency-Key once', async () => {
    const sender = await t.login('sender');
    await t.topup(sender.token, 10_000);
    const sent = await packet(sender.token);
    const headers = { 'idempotency-key': 'issue-1' };
    const first = await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {}, headers);
    const second = await call(t, sender.token, 'POST', `/v1/packets/${sent.id}/codes`, {}, headers);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await t.database.get<{ n: number }>('SELECT COUNT(*) AS n FROM codes'))!.n).toBe(1);
  });
});

describe('collect code reads and owner actions', () => {
  it('shows the owner the current state with a fresh token, and nobody else', async () => {
    const { owner, payer, code } = await collectScenario({ fixedAmount: 888 });
    const read = await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}`);
    expect(read.status).toBe(200);
    expect(read.body.code).toMatchObject({ id: code.id, version: 1, fixedAmount: 888 });
    expect(read.body.code.token).not.toBe(code.token);
    expect((await call(t, payer.token, 'GET', `/v1/collect-codes/${code.id}`)).body.error.code).toBe('FORBIDDEN');
    expect((await call(t, owner.token, 'GET', '/v1/collect-codes/cd_AAAAAAAAAAAAAAAA')).body.error.code).toBe('NOT_FOUND');
  });

  it('refuses refresh and revoke to anyone but the owner', async () => {
    const { payer, code } = await collectScenario();
    const before = await snapshot(t);
    expect((await call(t, payer.token, 'POST', `/v1/codes/${code.id}/refresh`)).body.error.code).toBe('FORBIDDEN');
    expect((await call(t, payer.token, 'DELETE', `/v1/codes/${code.id}`)).body.error.code).toBe('FORBIDDEN');
    expect(await snapshot(t)).toEqual(before);
  });

  it('resolves a collect token to its owner without acting on it', async () => {
    const { payer, code } = await collectScenario({ fixedAmount: 2_000, scene: 'wedding', title: '喜酒' });
    const before = await snapshot(t);
    const answer = await call(t, payer.token, 'GET', `/v1/codes/resolve?token=${code.token}`);
    expect(answer.body).toEqual({
      code: { id: code.id, kind: 'collect', status: 'active', expiresAt: code.expiresAt, geofenced: false },
      packet: null,
      collect: { ownerId: code.ownerId, ownerName: '店主老王', fixedAmount: 2_000, scene: 'wedding', title: '喜酒' },
    });
    expect(await snapshot(t)).toEqual(before);
  });

  it('answers CODE_EXPIRED and CODE_INVALID on resolve as a scan would', async () => {
    const { payer, code } = await collectScenario();
    expect((await call(t, payer.token, 'GET', `/v1/codes/resolve?token=${tamper(code.token)}`)).body.error.code).toBe('CODE_INVALID');
    clockOf(t).advance(121_000);
    expect((await call(t, payer.token, 'GET', `/v1/codes/resolve?token=${code.token}`)).body.error.code).toBe('CODE_EXPIRED');
  });

  it('requires a login to resolve', async () => {
    const { code } = await collectScenario();
    expect((await t.app.inject({ method: 'GET', url: `/v1/codes/resolve?token=${code.token}` })).statusCode).toBe(401);
  });

  it('wakes a long-poll of the code when it is refreshed', async () => {
    const { owner, code } = await collectScenario();
    let answered = false;
    const polling = call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}?wait=10&version=1`).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    await call(t, owner.token, 'POST', `/v1/codes/${code.id}/refresh`);
    const answer = await polling;
    expect(answer.body.code.version).toBe(2);
  });

  it('answers a long-poll at once when the client’s version is already stale', async () => {
    const { owner, code } = await collectScenario();
    await call(t, owner.token, 'POST', `/v1/codes/${code.id}/refresh`);
    const started = Date.now();
    const answer = await call(t, owner.token, 'GET', `/v1/collect-codes/${code.id}?wait=10&version=1`);
    expect(answer.body.code.version).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
