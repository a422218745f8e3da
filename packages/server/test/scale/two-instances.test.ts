/**
 * Two server processes on one PostgreSQL database: one hot packet raced from both, long-poll
 * wake-ups across instances (LISTEN/NOTIFY), and nonces and idempotency keys that both honour.
 * Runs the built CLI (`dist/cli.js`) as real child processes.
 */
import type { MerchantCredentials } from '@hongbao/protocol';
import { randomBytes } from 'node:crypto';
import { freshPostgresDatabase } from '../../src/testing/postgres';
import { assertInvariants } from '../../src/testing/invariants';
import { signRequest } from '../../src/testing/harness';
import { Client, inParallel, killAll, requireBuild, scratchFolder, startInstance, tally, withDatabase, withServerLogs, type Instance, type Response } from './helpers';

const HOT_SHARES = 1_000;
const HOT_TOTAL = 100_000; // ¥1,000 over 1,000 shares
const CLAIMERS = 2_000;
/** Logins of the setup, in flight at once (setup only: the claims are what races). */
const LOGIN_CONCURRENCY = 32;

let pg: { url: string; drop: () => Promise<void> } | null = null;
let scratch: ReturnType<typeof scratchFolder> | null = null;
let a: Instance;
let b: Instance;
let client: Client;
let merchant: MerchantCredentials;

beforeAll(() => withServerLogs(async () => {
  requireBuild();
  scratch = scratchFolder();
  pg = await freshPostgresDatabase();
  client = new Client(200);
  // Both start at once on an empty database: the migrations run once, the other instance waits its turn.
  [a, b] = await Promise.all([startInstance(pg.url, scratch.configFile, 'instance A'), startInstance(pg.url, scratch.configFile, 'instance B')]);
  // Created on A, used on B: the credentials live in the shared database.
  merchant = await client.expect(201, a.url, 'POST', '/v1/dev/merchants', { body: { tier: 'enterprise', name: 'Scale merchant' } });
  const topup = await client.signed(b.url, merchant, 'POST', '/v1/wallet/topups', { amount: 1_000_000 });
  if (topup.status >= 300) throw new Error(`top-up on B answered ${topup.status}: ${JSON.stringify(topup.body)}`);
}), 120_000);

afterAll(async () => {
  await killAll();
  client?.close();
  await pg?.drop();
  scratch?.remove();
}, 60_000);

/** A packet sent by the merchant through `instance`. */
async function sendPacket(instance: Instance, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const response = await client.signed(instance.url, merchant, 'POST', '/v1/packets', body);
  if (response.status !== 201) throw new Error(`POST /v1/packets answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.packet;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('two instances on one PostgreSQL database', () => {
  it(`hands out exactly ${HOT_SHARES} shares to ${CLAIMERS} claimers racing through both instances`, () => withServerLogs(async () => {
    const instances = [a, b];
    const packet = await sendPacket(a, { mode: 'random', total: HOT_TOTAL, count: HOT_SHARES, message: '抢红包' });
    const users = await inParallel(CLAIMERS, LOGIN_CONCURRENCY, (i) => client.login(instances[i % 2].url, `scale_racer_${i}`));

    // Every claimer at once, alternating between the instances.
    const started = Date.now();
    const results: Array<Response | Error> = await Promise.all(
      users.map((user, i) => client.request(instances[i % 2].url, 'POST', '/v1/claims', { body: { packetId: packet.id }, headers: bearer(user.token) }).catch((error: Error) => error)),
    );
    const elapsed = Date.now() - started;
    process.stdout.write(`two instances: ${CLAIMERS} claims answered in ${elapsed} ms\n`);

    const won = results.flatMap((result, i) => (!(result instanceof Error) && result.status === 201 ? [{ result, user: users[i], via: i % 2 }] : []));

    // Safety first (so a failure below still says whether money was handled right): every claim
    // answered 201 is stored exactly as answered, nothing else is stored, no user holds two, and the
    // money invariants hold.
    for (const { result, user } of won) expect(result.body.claim).toMatchObject({ userId: user.userId, packetId: packet.id });
    await withDatabase(pg!.url, async (database) => {
      const stored = await database.all<{ id: string; user_id: string; amount: number }>('SELECT id, user_id, amount FROM claims WHERE packet_id = ? ORDER BY id', packet.id);
      expect(new Set(stored.map((row) => row.user_id)).size).toBe(stored.length);
      const answered = new Map(won.map(({ result }) => [result.body.claim.id as string, result.body.claim]));
      expect(stored.map((row) => ({ id: row.id, userId: row.user_id, amount: Number(row.amount) })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [...answered.values()].map((claim) => ({ id: claim.id, userId: claim.userId, amount: claim.amount })).sort((x, y) => x.id.localeCompare(y.id)),
      );
      await assertInvariants(database);
      expect(await database.get('SELECT status, claimed_count, claimed_amount FROM packets WHERE id = ?', packet.id)).toEqual({
        status: 'finished',
        claimed_count: HOT_SHARES,
        claimed_amount: HOT_TOTAL,
      });
    });

    // Then the race's outcome: exactly HOT_SHARES winners, everyone else told the packet ran out
    // (anything else, a 500 included, is a failure), the whole total handed out, one winner each.
    expect(tally(results)).toEqual({ '201': HOT_SHARES, '409 PACKET_EXHAUSTED': CLAIMERS - HOT_SHARES });
    expect(new Set(won.map(({ result }) => result.body.claim.userId)).size).toBe(HOT_SHARES);
    expect(new Set(won.map(({ result }) => result.body.claim.id)).size).toBe(HOT_SHARES);
    expect(won.reduce((sum, { result }) => sum + result.body.claim.amount, 0)).toBe(HOT_TOTAL);
    // Both instances handed out shares, and exactly one answer saw the packet finish.
    expect(won.filter(({ via }) => via === 0).length).toBeGreaterThan(0);
    expect(won.filter(({ via }) => via === 1).length).toBeGreaterThan(0);
    expect(won.filter(({ result }) => result.body.packet.status === 'finished')).toHaveLength(1);
  }), 180_000);

  it('wakes a long-poll on instance B when a claim is made on instance A (LISTEN/NOTIFY)', () => withServerLogs(async () => {
    const packet = await sendPacket(a, { mode: 'random', total: 1_000, count: 10 });
    const user = await client.login(a.url, 'scale_poll_claimer');
    const WAIT_SECONDS = 25;

    const path = `/v1/packets/${packet.id}?version=${packet.version}&wait=${WAIT_SECONDS}`;
    const pollStarted = Date.now();
    const poll = client.signed(b.url, merchant, 'GET', path).then((response) => ({ response, at: Date.now() }));
    // Give B time to start waiting, so an immediate answer cannot pass for a wake-up.
    await new Promise((resolve) => setTimeout(resolve, 750));
    const claim = await client.request(a.url, 'POST', '/v1/claims', { body: { packetId: packet.id }, headers: bearer(user.token) });
    const claimedAt = Date.now();
    expect(claim.status).toBe(201);

    const { response, at } = await poll;
    process.stdout.write(`two instances: long-poll on B answered ${at - claimedAt} ms after the claim on A\n`);
    expect(response.status).toBe(200);
    expect(response.body.packet.id).toBe(packet.id);
    expect(response.body.packet.version).toBeGreaterThan(packet.version);
    expect(response.body.packet.claimedCount).toBe(1);
    // It really waited (no change had happened when it started) …
    expect(at - pollStarted).toBeGreaterThanOrEqual(700);
    // … and the claim on A, not the end of its wait, is what answered it.
    expect(at - claimedAt).toBeLessThan(5_000);
  }), 60_000);

  it('refuses on B a signed request whose nonce was used on A', () => withServerLogs(async () => {
    const nonce = randomBytes(12).toString('hex');
    const authorization = signRequest(merchant, 'GET', '/v1/wallet', '', Date.now(), nonce);

    const onA = await client.request(a.url, 'GET', '/v1/wallet', { headers: { authorization } });
    expect(onA.status).toBe(200);
    const onB = await client.request(b.url, 'GET', '/v1/wallet', { headers: { authorization } });
    expect(onB.status).toBe(401);
    expect(onB.body.error.code).toBe('REPLAYED');
    // A fresh nonce is fine on B: the app's key is shared, only the nonce was spent.
    expect((await client.signed(b.url, merchant, 'GET', '/v1/wallet')).status).toBe(200);
  }));

  it('verifies on B a claim code issued on A (the signing keys are shared)', () => withServerLogs(async () => {
    const created = await client.signed(a.url, merchant, 'POST', '/v1/packets', { mode: 'random', total: 300, count: 3, message: 'shared keys' });
    expect(created.status).toBe(201);
    const issued = await client.signed(a.url, merchant, 'POST', `/v1/packets/${created.body.packet.id}/codes`, {});
    expect(issued.status).toBe(201);
    const token: string = issued.body.code.token;

    const user = await client.login(b.url, 'scale_code_scanner');
    const resolved = await client.request(b.url, 'GET', `/v1/codes/resolve?token=${encodeURIComponent(token)}`, { headers: bearer(user.token) });
    expect(resolved.status).toBe(200);
    const claim = await client.request(b.url, 'POST', '/v1/claims', { body: { token }, headers: bearer(user.token) });
    expect(claim.status).toBe(201);
    expect(claim.body.claim.userId).toBe(user.userId);
    expect(claim.body.packet.id).toBe(created.body.packet.id);
  }));

  it('replays on B the result an Idempotency-Key got on A', () => withServerLogs(async () => {
    const key = `scale-${randomBytes(6).toString('hex')}`;
    const message = `idem ${key.slice(-6)}`;
    const body = { mode: 'random', total: 600, count: 3, message };

    const first = await client.signed(a.url, merchant, 'POST', '/v1/packets', body, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // A new signature (fresh nonce) over the same request, with the same key, through B.
    const again = await client.signed(b.url, merchant, 'POST', '/v1/packets', body, { headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    // The same key with a different request is a conflict on either instance.
    const other = await client.signed(b.url, merchant, 'POST', '/v1/packets', { ...body, total: 900 }, { headers: { 'idempotency-key': key } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');

    // Users' keys too: a claim retried through the other instance is the same single claim.
    const user = await client.login(b.url, 'scale_idem_claimer');
    const claimKey = `claim-${key}`;
    const headers = { ...bearer(user.token), 'idempotency-key': claimKey };
    const claimOnA = await client.request(a.url, 'POST', '/v1/claims', { body: { packetId: first.body.packet.id }, headers });
    expect(claimOnA.status).toBe(201);
    const claimOnB = await client.request(b.url, 'POST', '/v1/claims', { body: { packetId: first.body.packet.id }, headers });
    expect(claimOnB.status).toBe(201);
    expect(claimOnB.headers['idempotent-replayed']).toBe('true');
    expect(claimOnB.body.claim).toEqual(claimOnA.body.claim);

    await withDatabase(pg!.url, async (database) => {
      expect(await database.get('SELECT COUNT(*) AS n FROM packets WHERE message = ?', message)).toEqual({ n: 1 });
      expect(await database.get('SELECT COUNT(*) AS n FROM claims WHERE user_id = ?', user.userId)).toEqual({ n: 1 });
      await assertInvariants(database);
    });
  }));
});
