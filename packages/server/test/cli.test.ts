import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app';
import { runCli, type CliResult } from '../src/cli';
import { DEFAULT_CONFIG } from '../src/config';
import { signRequest } from '../src/testing/harness';

let dir: string;
let db: string;
let started: CliResult['server'];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hongbao-cli-'));
  db = join(dir, 'hongbao.db');
});
afterEach(async () => {
  await started?.close();
  started = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process with captured output and an environment of its own. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const result = await runCli(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env });
  started = result.server ?? started;
  return { exitCode: result.exitCode, stdout, stderr };
}

describe('hongbao-server migrate', () => {
  it('prints how many migrations ran, then that the database is up to date', async () => {
    const first = await cli(['migrate', '--db', db]);
    expect(first).toMatchObject({ exitCode: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`^Ran \\d+ migrations? on ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\n$`));
    const second = await cli(['migrate', '--db', db]);
    expect(second.stdout).toBe(`${db} is up to date; no migrations to run.\n`);
  });

  it('takes the database from HONGBAO_DB when no flag is given', async () => {
    const { exitCode, stdout } = await cli(['migrate'], { HONGBAO_DB: db });
    expect(exitCode).toBe(0);
    expect(stdout).toContain(db);
  });
});

describe('hongbao-server merchant create', () => {
  it('prints credentials that authenticate signed requests against an app on the same database', async () => {
    const { exitCode, stdout, stderr } = await cli(['merchant', 'create', '--tier', 'enterprise', '--name', '示例商户', '--fee-rate', '0.008', '--db', db], {
      HONGBAO_MODE: 'production',
    });
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const credentials = JSON.parse(stdout);
    expect(credentials).toEqual({ accountId: expect.any(String), appId: expect.any(String), secret: expect.any(String) });

    const app = await buildApp({ config: { ...DEFAULT_CONFIG, db, mode: 'production', logLevel: 'silent', sweepIntervalMs: 0 } });
    try {
      const signed = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: signRequest(credentials, 'GET', '/v1/me', '', Date.now()) } });
      expect(signed.statusCode).toBe(200);
      expect(signed.json().user).toMatchObject({ id: credentials.accountId, kind: 'merchant', tier: 'enterprise', name: '示例商户' });
      const forged = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: signRequest({ ...credentials, secret: 'wrong' }, 'GET', '/v1/me', '', Date.now()) } });
      expect(forged.json().error.code).toBe('SIGNATURE_INVALID');
    } finally {
      await app.close();
    }
  });

  it('creates a provider with a custom code TTL', async () => {
    const { exitCode, stdout } = await cli(['merchant', 'create', '--tier', 'provider', '--name', 'Acme', '--code-ttl', '600', '--db', db]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).appId).toEqual(expect.any(String));
  });

  it('rejects a tier outside enterprise and provider, naming the choices', async () => {
    const { exitCode, stderr, stdout } = await cli(['merchant', 'create', '--tier', 'personal', '--name', 'X', '--db', db]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--tier <tier>' argument 'personal' is invalid\. Allowed choices are enterprise, provider/);
  });

  it('rejects a fee rate that is not a number', async () => {
    const { exitCode, stderr } = await cli(['merchant', 'create', '--tier', 'enterprise', '--name', 'X', '--fee-rate', 'cheap', '--db', db]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('--fee-rate must be a number such as 0.006.');
  });

  it('rejects a fee rate outside the tier range with the service’s explanation', async () => {
    const { exitCode, stderr } = await cli(['merchant', 'create', '--tier', 'enterprise', '--name', 'X', '--fee-rate', '0.02', '--db', db]);
    expect(exitCode).toBe(1);
    expect(stderr).toBe('error: VALIDATION_FAILED: feeRate for enterprise must be from 0.006 to 0.01.\n');
  });

  it('rejects a code TTL outside 30–3600 seconds, naming the flag', async () => {
    const { exitCode, stderr } = await cli(['merchant', 'create', '--tier', 'provider', '--name', 'X', '--code-ttl', '5', '--db', db]);
    expect(exitCode).toBe(1);
    expect(stderr).toBe('error: --code-ttl must be >= 30.\n');
  });

  it('requires --name', async () => {
    const { exitCode, stderr } = await cli(['merchant', 'create', '--tier', 'enterprise', '--db', db]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain("required option '--name <name>' not specified");
  });
});

describe('hongbao-server keys rotate', () => {
  it('prints a new key id per scheme, one above the previous', async () => {
    const first = await cli(['keys', 'rotate', '--db', db]);
    expect(first.exitCode).toBe(0);
    const kids = (stdout: string) => stdout.trim().split('\n').map((line) => line.match(/^(\S+): new key id (\d+)$/)!.slice(1));
    const before = kids(first.stdout);
    expect(before.length).toBeGreaterThan(0);
    const after = kids((await cli(['keys', 'rotate', '--db', db])).stdout);
    expect(after).toEqual(before.map(([scheme, kid]) => [scheme, String(Number(kid) + 1)]));
  });
});

describe('hongbao-server start', () => {
  it('listens where the flags say, over the environment, and prints the URL', async () => {
    const { exitCode, stdout } = await cli(['start', '--port', '0', '--db', db, '--mode', 'production'], { HONGBAO_PORT: '1', HONGBAO_LOG_LEVEL: 'silent', HONGBAO_SWEEP_INTERVAL_MS: '0' });
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Hongbao listening on ${started!.url.replace(/[.]/g, '\\.')} \\(production, SQLite `));
    expect((await fetch(`${started!.url}/healthz`)).status).toBe(200);
  });

  it('reads settings from --config and lets flags override them', async () => {
    const config = join(dir, 'hongbao.json');
    writeFileSync(config, JSON.stringify({ db, port: 1, logLevel: 'silent', sweepIntervalMs: 0, publicUrl: 'https://hb.example.com' }));
    const { exitCode } = await cli(['start', '--config', config, '--port', '0']);
    expect(exitCode).toBe(0);
    expect(started!.app.hongbao.ctx.config).toMatchObject({ db, publicUrl: 'https://hb.example.com' });
  });

  it('prints every bad setting without a stack trace and exits 1', async () => {
    const { exitCode, stdout, stderr } = await cli(['start', '--port', 'eighty', '--public-url', 'nope', '--db', db], { HONGBAO_SQLITE_SYNCHRONOUS: 'OFF' });
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'Invalid configuration:\n' +
        '  - HONGBAO_SQLITE_SYNCHRONOUS must be one of NORMAL, FULL (got "OFF")\n' +
        '  - port must be an integer from 0 to 65535 (got "eighty")\n' +
        '  - publicUrl must be an http(s) URL (got "nope")\n',
    );
    expect(started).toBeUndefined();
  });

  it('rejects an unknown mode, naming the choices', async () => {
    const { exitCode, stderr } = await cli(['start', '--mode', 'staging', '--db', db]);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/Allowed choices are development, production/);
  });

  it('explains a port that is already taken', async () => {
    await cli(['start', '--port', '0', '--db', db], { HONGBAO_LOG_LEVEL: 'silent', HONGBAO_SWEEP_INTERVAL_MS: '0' });
    const port = new URL(started!.url).port;
    const { exitCode, stderr } = await cli(['start', '--port', port, '--db', join(dir, 'other.db')], { HONGBAO_LOG_LEVEL: 'silent' });
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^error: cannot listen: .*EADDRINUSE.*0 picks a free port\)\.\n$/);
  });
});

describe('hongbao-server usage', () => {
  it('rejects an unknown flag with exit code 1', async () => {
    const { exitCode, stderr } = await cli(['migrate', '--dbb', db]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain("unknown option '--dbb'");
  });

  it('prints help listing every command and exits 0', async () => {
    const { exitCode, stdout } = await cli(['--help']);
    expect(exitCode).toBe(0);
    for (const command of ['start', 'migrate', 'merchant', 'keys', 'settle', 'audit', 'role', 'user']) expect(stdout).toContain(command);
  });

  it('prints the help on stderr and exits 1 when no command is given', async () => {
    const { exitCode, stdout, stderr } = await cli([]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: hongbao-server [options] [command]');
  });

  it('prints the package version', async () => {
    const { exitCode, stdout } = await cli(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`${require('../package.json').version}\n`);
  });
});
