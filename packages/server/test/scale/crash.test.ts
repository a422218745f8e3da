/**
 * Crash safety on both stores: a server process is SIGKILLed in the middle of a claim load, a new
 * process starts on the same database, and every claim the first one acknowledged (201) must be in
 * the store, with the money invariants intact. Runs the built CLI (`dist/cli.js`) as child processes.
 */
import type { MerchantCredentials } from '@hongbao/protocol';
import { join } from 'node:path';
import { freshPostgresDatabase } from '../../src/testing/postgres';
import { assertInvariants } from '../../src/testing/invariants';
import { Client, forgetServerLogs, inParallel, killAll, requireBuild, scratchFolder, startInstance, tally, withDatabase, withServerLogs, type Instance, type Response } from './helpers';

const PACKETS = 4;
const SHARES = 500; // per packet, one per user: no claim in the load can be refused
const PACKET_TOTAL = 50_000;
const IN_FLIGHT = 40;
/** The process is killed once this many claims are acknowledged, or after KILL_AFTER_MS with at least MIN_ACKED. */
const KILL_AT_ACKED = 250;
const KILL_AFTER_MS = 1_000;
const MIN_ACKED = 20;
/** Logins of the setup, in flight at once (setup only: the claims are what races). */
const LOGIN_CONCURRENCY = 32;

interface Acked {
  id: string;
  packetId: string;
  userId: string;
  amount: number;
}

interface Store {
  name: string;
  db: string;
  cleanup: () => Promise<void>;
}

const stores: Array<[string, (dir: string) => Promise<Store>]> = [
  ['SQLite', async (dir) => ({ name: 'SQLite', db: join(dir, 'hongbao.db'), cleanup: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const pg = await freshPostgresDatabase();
      return { name: 'PostgreSQL', db: pg.url, cleanup: pg.drop };
    },
  ],
];

let scratch: ReturnType<typeof scratchFolder> | null = null;
let store: Store | null = null;
let client: Client | null = null;

beforeAll(() => requireBuild());

afterEach(async () => {
  await killAll();
  forgetServerLogs();
  client?.close();
  client = null;
  await store?.cleanup();
  store = null;
  scratch?.remove();
  scratch = null;
}, 60_000);

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(stores)('a server killed mid-load on %s', (_name, makeStore) => {
  it('keeps every acknowledged claim and the invariants, and serves claims again after a restart', () => withServerLogs(async () => {
    scratch = scratchFolder();
    store = await makeStore(scratch.dir);
    client = new Client(IN_FLIGHT + 8);
    const http = client;
    const first: Instance = await startInstance(store.db, scratch.configFile, `${store.name} server (first run)`);

    // A merchant with PACKETS packets of SHARES shares, and SHARES users.
    const merchant: MerchantCredentials = await http.expect(201, first.url, 'POST', '/v1/dev/merchants', { body: { tier: 'enterprise', name: 'Crash merchant' } });
    const topup = await http.signed(first.url, merchant, 'POST', '/v1/wallet/topups', { amount: PACKETS * PACKET_TOTAL });
    expect(topup.status).toBeLessThan(300);
    const packetIds: string[] = [];
    for (let p = 0; p < PACKETS; p++) {
      const response = await http.signed(first.url, merchant, 'POST', '/v1/packets', { mode: 'random', total: PACKET_TOTAL, count: SHARES });
      expect(response.status).toBe(201);
      packetIds.push(response.body.packet.id);
    }
    const users = await inParallel(SHARES, LOGIN_CONCURRENCY, (i) => http.login(first.url, `crash_user_${i}`));

    // Claim k is user k mod SHARES taking packet ⌊k / SHARES⌋: every pair once, the packets one after another.
    const total = PACKETS * SHARES;
    const acked: Acked[] = [];
    const refused: Array<Response | Error> = [];
    const unanswered: Error[] = [];
    const mismatched: unknown[] = [];
    let next = 0;
    let killed = false;
    let inFlightAtKill = 0;
    let inFlight = 0;
    const started = Date.now();
    const kill = () => {
      if (killed) return;
      killed = true;
      inFlightAtKill = inFlight;
      first.child.kill('SIGKILL');
    };
    const watchdog = setInterval(() => {
      if (Date.now() - started >= KILL_AFTER_MS && acked.length >= MIN_ACKED) kill();
    }, 20);
    const worker = async () => {
      while (!killed && next < total) {
        const k = next++;
        const user = users[k % SHARES];
        const packetId = packetIds[Math.floor(k / SHARES)];
        inFlight++;
        try {
          const response = await http.request(first.url, 'POST', '/v1/claims', { body: { packetId }, headers: bearer(user.token) });
          if (response.status === 201) {
            const { claim } = response.body;
            if (claim.packetId !== packetId || claim.userId !== user.userId) mismatched.push({ asked: { packetId, userId: user.userId }, claim });
            acked.push({ id: claim.id, packetId, userId: user.userId, amount: claim.amount });
            if (acked.length >= KILL_AT_ACKED) kill();
          } else {
            refused.push(response);
          }
        } catch (error) {
          // Sent but never answered: the kill cut it off. It may or may not have committed.
          unanswered.push(error as Error);
        } finally {
          inFlight--;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      clearInterval(watchdog);
    }
    const sent = next;
    const exit = await first.exited;
    process.stdout.write(
      `crash (${store.name}): killed after ${Date.now() - started} ms with ${acked.length} claims acknowledged, ${inFlightAtKill} in flight, ${sent} sent of ${total}\n`,
    );

    // The kill came in the middle of the load, with claims in flight, and nothing else went wrong before it.
    expect(killed).toBe(true);
    expect(exit.signal).toBe('SIGKILL');
    expect(sent).toBeLessThan(total);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(tally(refused)).toEqual({});
    expect(mismatched).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(MIN_ACKED);

    // A new process on the same database.
    const second = await startInstance(store.db, scratch.configFile, `${store.name} server (after the crash)`);

    await withDatabase(store.db, async (database) => {
      const rows = await database.all<{ id: string; packet_id: string; user_id: string; amount: number }>('SELECT id, packet_id, user_id, amount FROM claims ORDER BY id');
      const stored = new Map(rows.map((row) => [row.id, { id: row.id, packetId: row.packet_id, userId: row.user_id, amount: Number(row.amount) }]));
      const lost = acked.filter((claim) => !stored.has(claim.id));
      expect(lost).toEqual([]); // acknowledged, then lost in the crash
      for (const claim of acked) expect(stored.get(claim.id)).toEqual(claim);
      // No claim appeared that was never asked for.
      expect(rows.length).toBeGreaterThanOrEqual(acked.length);
      expect(rows.length).toBeLessThanOrEqual(sent);
      await assertInvariants(database);
    });

    // The restarted server takes claims again: a new user on the packet the load was on.
    const late = await http.login(second.url, 'crash_after_restart');
    const hot = packetIds[Math.floor((sent - 1) / SHARES)];
    const claim = await http.request(second.url, 'POST', '/v1/claims', { body: { packetId: hot }, headers: bearer(late.token) });
    expect(claim.status).toBe(201);
    expect(claim.body.claim).toMatchObject({ packetId: hot, userId: late.userId });

    await withDatabase(store.db, async (database) => {
      expect(await database.get('SELECT packet_id, user_id, amount FROM claims WHERE id = ?', claim.body.claim.id)).toEqual({
        packet_id: hot,
        user_id: late.userId,
        amount: claim.body.claim.amount,
      });
      await assertInvariants(database);
    });
    await second.kill();
  }), 120_000);
});
