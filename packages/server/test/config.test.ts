import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../src/config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hongbao-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writeJson = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

/** The problems a failing loadConfig reports. */
function problemsOf(options: Parameters<typeof loadConfig>[0]): string[] {
  try {
    loadConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('gives the development defaults when nothing is set', () => {
    expect(loadConfig({ env: {} })).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({ host: '127.0.0.1', port: 8080, db: './data/hongbao.db', mode: 'development', sqliteSynchronous: 'FULL' });
  });

  it('reads every HONGBAO_* variable and converts numbers and lists', () => {
    const config = loadConfig({
      env: {
        HONGBAO_HOST: '0.0.0.0',
        HONGBAO_PORT: '0',
        HONGBAO_DB: '/var/lib/hongbao.db',
        HONGBAO_MODE: 'production',
        HONGBAO_PUBLIC_URL: 'https://hb.example.com/',
        HONGBAO_PACKET_TTL_SECONDS: '3600',
        HONGBAO_SESSION_TTL_SECONDS: '86400',
        HONGBAO_BANNED_WORDS: '免单, 全额返现 ,秒杀',
        HONGBAO_BODY_LIMIT: '2048',
        HONGBAO_SWEEP_INTERVAL_MS: '0',
        HONGBAO_H5_DIR: '/srv/h5',
        HONGBAO_LOG_LEVEL: 'warn',
        HONGBAO_SQLITE_SYNCHRONOUS: 'NORMAL',
        HONGBAO_PG_POOL_SIZE: '32',
        HONGBAO_WEBHOOK_POLL_MS: '250',
        HONGBAO_SETTLEMENT_SCHEDULE: 'false',
        HONGBAO_AUDIT_RETENTION_DAYS: '365',
      },
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      db: '/var/lib/hongbao.db',
      mode: 'production',
      publicUrl: 'https://hb.example.com',
      packetTtlSeconds: 3600,
      sessionTtlSeconds: 86_400,
      bannedWords: ['免单', '全额返现', '秒杀'],
      bodyLimit: 2048,
      sweepIntervalMs: 0,
      h5Dir: '/srv/h5',
      logLevel: 'warn',
      sqliteSynchronous: 'NORMAL',
      pgPoolSize: 32,
      webhookPollMs: 250,
      settlementSchedule: false,
      risk: DEFAULT_CONFIG.risk,
      rateLimit: DEFAULT_CONFIG.rateLimit,
      auditRetentionDays: 365,
    });
  });

  it('lets the environment override the config file and explicit overrides beat both', () => {
    const configFile = writeJson('hongbao.json', { port: 9000, db: 'file.db', mode: 'production', logLevel: 'error' });
    const config = loadConfig({ configFile, env: { HONGBAO_PORT: '9100', HONGBAO_DB: 'env.db' }, overrides: { db: 'flag.db' } });
    expect(config).toMatchObject({ port: 9100, db: 'flag.db', mode: 'production', logLevel: 'error' });
  });

  it('finds the config file through HONGBAO_CONFIG', () => {
    const file = writeJson('from-env.json', { host: '10.0.0.5' });
    expect(loadConfig({ env: { HONGBAO_CONFIG: file } }).host).toBe('10.0.0.5');
  });

  it('ignores undefined overrides and empty environment variables', () => {
    const config = loadConfig({ env: { HONGBAO_PORT: '' }, overrides: { port: undefined, host: undefined } });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
  });

  it('reports every bad value at once, each naming where it came from', () => {
    const configFile = writeJson('bad.json', { bodyLimit: 10, sqliteSynchronous: 'OFF' });
    const problems = problemsOf({
      configFile,
      env: { HONGBAO_PORT: '70000', HONGBAO_MODE: 'staging', HONGBAO_PUBLIC_URL: 'ftp://example.com', HONGBAO_LOG_LEVEL: 'loud' },
      overrides: { packetTtlSeconds: 1.5, db: '', bannedWords: [3] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'bodyLimit must be an integer from 1024 to 10485760 (got 10)',
        'sqliteSynchronous must be one of NORMAL, FULL (got "OFF")',
        'HONGBAO_PORT must be an integer from 0 to 65535 (got "70000")',
        'HONGBAO_MODE must be one of development, production (got "staging")',
        'HONGBAO_PUBLIC_URL must be an http(s) URL (got "ftp://example.com")',
        'HONGBAO_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
        'packetTtlSeconds must be an integer from 60 to 604800 (got 1.5)',
        'db must be a non-empty string (got "")',
        'bannedWords must be a list of words (got [3])',
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it('lists the problems in the error message, one per line', () => {
    try {
      loadConfig({ env: { HONGBAO_PORT: 'eighty', HONGBAO_SWEEP_INTERVAL_MS: '-1' } });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toBe(
        'Invalid configuration:\n' +
          '  - HONGBAO_PORT must be an integer from 0 to 65535 (got "eighty")\n' +
          '  - HONGBAO_SWEEP_INTERVAL_MS must be an integer from 0 to 3600000 (got "-1")',
      );
    }
  });

  it('rejects unknown settings in the config file and in overrides', () => {
    const configFile = writeJson('typo.json', { prot: 8080 });
    expect(problemsOf({ configFile, env: {}, overrides: { colour: 'red' } as never })).toEqual([
      'unknown setting "prot" in ' + configFile,
      'unknown setting "colour" in options',
    ]);
  });

  it('says so when the config file is missing or not JSON', () => {
    const broken = writeJson('broken.json', '{ port: 1 ');
    expect(problemsOf({ configFile: broken, env: {} })[0]).toMatch(new RegExp(`^config file ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be read as JSON`));
    expect(problemsOf({ configFile: join(dir, 'missing.json'), env: {} })[0]).toMatch(/could not be read as JSON: ENOENT/);
  });

  it('takes numbers from a JSON file as they are and rejects a blank port', () => {
    const configFile = writeJson('typed.json', { port: 8081, sweepIntervalMs: 500 });
    expect(loadConfig({ configFile, env: {} })).toMatchObject({ port: 8081, sweepIntervalMs: 500 });
    expect(problemsOf({ env: {}, overrides: { port: '  ' } })).toEqual(['port must be an integer from 0 to 65535 (got "  ")']);
  });
});
