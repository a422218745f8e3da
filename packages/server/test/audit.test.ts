import { runCli } from '../src/cli';
import { ManualClock } from '../src/clock';
import { hashEntry } from '../src/audit/chain';
import { createTestApp, type TestApp } from '../src/testing/harness';
import { call } from './helpers/codes';

let t: TestApp;
let clock: ManualClock;
const START = Date.UTC(2020, 5, 1, 4, 0, 0);
const DAY_MS = 86_400_000;

beforeEach(async () => {
  clock = new ManualClock(START);
  t = await createTestApp({ clock });
});
afterEach(async () => {
  await t.checkInvariants();
  await t.close();
});

/** Runs the CLI in-process against the test app's database file. */
async function cli(...argv: string[]) {
  // (PostgreSQL) what was committed is linked into the chain, as the server's chainer does shortly after each commit.
  await t.app.hongbao.services.audit.settle(true);
  return cliAsIs(...argv);
}

/** cli without linking the app's pending entries first. */
async function cliAsIs(...argv: string[]) {
  // The CLI opens the file on its own connection: everything committed so far must be there.
  await t.database.flush();
  let stdout = '';
  let stderr = '';
  const { exitCode } = await runCli([...argv, '--db', t.db], { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {} });
  return { exitCode, stdout, stderr };
}

/** The chain's rows as stored (on PostgreSQL, linked first: the chainer runs after the response). */
const rows = async () => {
  await t.app.hongbao.services.audit.settle(true);
  return t.database.all<any>('SELECT * FROM audit_log ORDER BY seq');
};

/** Some history: logins, a top-up, a packet, two claims and a payment. */
async function history() {
  const alice = await t.login('alice', { name: '王小明' });
  const bob = await t.login('bob');
  await t.topup(alice.token, 10_000);
  const packet = (await call(t, alice.token, 'POST', '/v1/packets', { mode: 'random', total: 300, count: 2 })).body.packet;
  await call(t, bob.token, 'POST', '/v1/claims', { packetId: packet.id });
  const code = (await call(t, bob.token, 'POST', '/v1/collect-codes', {})).body.code;
  await call(t, alice.token, 'POST', '/v1/payments', { token: code.token, amount: 123 });
  return { alice, bob, packet };
}

describe('the audit log', () => {
  it('records every state change as a chained entry, in order', async () => {
    const { alice } = await history();
    const entries = await rows();
    expect(entries.map((row) => row.type)).toEqual([
      'session.created',
      'session.created',
      'wallet.topup',
      'packet.created',
      'packet.claimed',
      'code.created',
      'payment.received',
    ]);
    expect(entries.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries[0].prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < entries.length; i++) expect(entries[i].prev_hash).toBe(entries[i - 1].hash);
    expect(entries[2]).toMatchObject({ actor_id: alice.userId, amount: 10_000 });
  });

  it('links what was committed into the chain on its own, with no reader asking', async () => {
    // On PostgreSQL the chainer runs shortly after the commits (responses do not wait for it); on
    // SQLite each entry is linked in its change's transaction.
    await history();
    const counts = async () => ({
      pending: Number((await t.database.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_pending'))!.n),
      chained: Number((await t.database.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))!.n),
    });
    const deadline = Date.now() + 5_000;
    while ((await counts()).pending > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await counts()).toEqual({ pending: 0, chained: 7 });
    expect((await t.app.hongbao.services.audit.verify()).ok).toBe(true);
  });

  it('records nothing for a request that changed nothing', async () => {
    const alice = await t.login('alice');
    const before = (await rows()).length;
    expect((await call(t, alice.token, 'POST', '/v1/packets', { mode: 'fixed', total: 301, count: 2 })).status).toBe(400);
    expect((await call(t, alice.token, 'POST', '/v1/packets', { mode: 'random', total: 300, count: 2 })).body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect(await rows()).toHaveLength(before);
  });
});

describe('hongbao-server audit verify', () => {
  it('passes an untouched chain and prints its head hash', async () => {
    await history();
    const { exitCode, stdout } = await cli('audit', 'verify');
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`Audit chain intact: 7 entries (#1–#7); head hash ${(await rows())[6].hash}.\n`);
  });

  it('says how many committed entries are still waiting to be linked, without linking them', async () => {
    await history();
    await t.app.hongbao.services.audit.settle(true);
    // An entry as a PostgreSQL transaction leaves it before the chainer runs (the table exists on both stores).
    await t.database.run(
      `INSERT INTO audit_pending (id, at, type, actor_id, subject_id, account_ids, amount, data) VALUES ('au_waiting', ${START}, 'wallet.topup', NULL, 'x', '[]', 1, '{}')`,
    );
    const { exitCode, stdout } = await cliAsIs('audit', 'verify');
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Audit chain intact: 7 entries');
    expect(stdout).toContain('1 committed entry is waiting to be linked into the chain (not checked yet).');
    // verify reads; it does not write.
    expect(await t.database.get('SELECT COUNT(*) AS n FROM audit_pending')).toEqual({ n: 1 });
    await t.database.run("DELETE FROM audit_pending WHERE id = 'au_waiting'");
  });

  it('names an entry whose row was changed in the database file', async () => {
    await history();
    await t.database.run('UPDATE audit_log SET amount = 1 WHERE seq = 3');
    const { exitCode, stderr } = await cli('audit', 'verify');
    expect(exitCode).toBe(1);
    expect(stderr).toBe('Audit chain broken: entry #3 (wallet.topup) was altered: its contents do not match its hash.\n');
  });

  it('names the gap left by a deleted entry', async () => {
    await history();
    await t.database.run('DELETE FROM audit_log WHERE seq = 4');
    const { exitCode, stderr } = await cli('audit', 'verify');
    expect(exitCode).toBe(1);
    expect(stderr).toBe('Audit chain broken: entry #4 is missing: the chain jumps from #3 to #5.\n');
  });

  it('names a forged entry put in place of a real one even when its own hash is recomputed', async () => {
    await history();
    const forged = { ...(await rows())[4], amount: 1, prev_hash: 'f'.repeat(64) };
    forged.hash = hashEntry(forged);
    await t.database.run('UPDATE audit_log SET amount = @amount, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq', forged);
    const { exitCode, stderr } = await cli('audit', 'verify');
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^Audit chain broken: entry #5 \(packet\.claimed\) was inserted or replaced/);
  });

  it('names a missing first entry', async () => {
    await history();
    await t.database.run('DELETE FROM audit_log WHERE seq = 1');
    expect((await cli('audit', 'verify')).stderr).toBe('Audit chain broken: entry #1 is missing: the chain jumps from #0 to #2.\n');
  });
});

describe('hongbao-server audit purge', () => {
  it('removes entries past the retention period and leaves a chain that still verifies', async () => {
    await history();
    // Three and a half years on (retention is three), more history, then the purge.
    clock.set(START + 1_280 * DAY_MS);
    await t.login('carol');
    const purged = await cli('audit', 'purge', '--before', '2021-01-01');
    expect(purged).toMatchObject({ exitCode: 0, stdout: 'Purged 7 audit entries through #7; the chain now continues from that checkpoint.\n' });
    expect((await rows()).map((row) => row.type)).toEqual(['session.created', 'audit.purged']);
    expect(await cli('audit', 'verify')).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^Audit chain intact: 2 entries \(#8–#9\) after the purge checkpoint #7;/) });
    await t.login('dave');
    expect((await cli('audit', 'verify')).exitCode).toBe(0);
  });

  it('still names tampering after a purge, including a forged checkpoint', async () => {
    await history();
    clock.set(START + 1_280 * DAY_MS);
    await t.login('carol');
    await cli('audit', 'purge', '--before', '2021-01-01');
    await t.database.run('UPDATE audit_checkpoint SET hash = ? WHERE id = 1', 'a'.repeat(64));
    const { exitCode, stderr } = await cli('audit', 'verify');
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/entry #8 \(session\.created\) was inserted or replaced/);
  });

  it('refuses to purge inside the retention period', async () => {
    await history();
    const { exitCode, stderr } = await cli('audit', 'purge', '--before', new Date(Date.now() - 30 * DAY_MS).toISOString());
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/VALIDATION_FAILED: Entries are kept for 1095 days/);
    expect(await rows()).toHaveLength(7);
  });
});

describe('GET /v1/audit', () => {
  const staff = async (role: 'auditor' | 'support' | 'admin', name = '审计员李雷') => (await t.app.hongbao.services.admin.createStaffUser(name, role)).token;

  it('shows a user their own trail of the last 30 days and nothing of anyone else', async () => {
    const { alice, bob } = await history();
    clock.advance(31 * DAY_MS);
    const again = await t.login('alice');
    await t.topup(again.token, 500);
    const trail = (await call(t, again.token, 'GET', '/v1/audit')).body.data;
    expect(trail.map((entry: any) => entry.type)).toEqual(['wallet.topup', 'session.created']);
    expect(trail[0]).toMatchObject({ amount: 500, accountIds: [alice.userId] });
    expect((await call(t, again.token, 'GET', `/v1/audit?account=${bob.userId}`)).status).toBe(403);
  });

  it('gives auditors every entry with filters and pages', async () => {
    const { alice } = await history();
    const token = await staff('auditor');
    const all = (await call(t, token, 'GET', '/v1/audit?limit=100')).body.data;
    expect(all.map((entry: any) => entry.seq)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const aliceOnly = (await call(t, token, 'GET', `/v1/audit?account=${alice.userId}&type=wallet.topup`)).body.data;
    expect(aliceOnly).toHaveLength(1);
    const first = (await call(t, token, 'GET', '/v1/audit?limit=3')).body;
    expect((await call(t, token, 'GET', `/v1/audit?limit=3&cursor=${first.nextCursor}`)).body.data.map((entry: any) => entry.seq)).toEqual([6, 5, 4]);
  });

  it('masks names for support staff', async () => {
    await staff('admin', '张伟明');
    const support = await staff('support', '客服小红');
    const entries = (await call(t, support, 'GET', '/v1/audit?type=admin.user.created')).body.data;
    expect(entries.map((entry: any) => entry.data.name)).toEqual(['客**红', '张**']);
    const auditor = await staff('auditor');
    expect((await call(t, auditor, 'GET', '/v1/audit?type=admin.user.created')).body.data.map((entry: any) => entry.data.name)).toContain('张伟明');
  });
});

describe('staff accounts from the command line', () => {
  it('creates an admin with a working session token and grants roles to existing accounts', async () => {
    const bob = await t.login('bob');
    const created = await cli('user', 'create', '--role', 'admin', '--name', '运维');
    expect(created.exitCode).toBe(0);
    const { token, role } = JSON.parse(created.stdout);
    expect(role).toBe('admin');
    expect((await call(t, token, 'GET', '/v1/risk/decisions')).status).toBe(200);
    const granted = await cli('role', 'grant', '--account', bob.userId, '--role', 'auditor');
    expect(granted).toMatchObject({ exitCode: 0, stdout: `${bob.userId} (bob) now has the auditor role.\n` });
    expect((await call(t, bob.token, 'GET', '/v1/audit?limit=1')).status).toBe(200);
    expect((await call(t, bob.token, 'GET', '/v1/blacklist')).status).toBe(200);
    expect((await call(t, bob.token, 'POST', '/v1/blacklist', { kind: 'device', value: 'x', reason: 'y' })).status).toBe(403);
    expect((await rows()).map((row) => row.type)).toEqual(expect.arrayContaining(['admin.user.created', 'admin.role.granted']));
  });

  it('rejects an unknown role and an unknown account', async () => {
    expect((await cli('role', 'grant', '--account', 'acc_nobody', '--role', 'admin')).stderr).toBe('error: NOT_FOUND: No account acc_nobody.\n');
    expect((await cli('user', 'create', '--role', 'root', '--name', 'x')).exitCode).toBe(1);
  });
});
