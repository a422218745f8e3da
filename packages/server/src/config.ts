import { DEFAULT_BANNED_WORDS, DEFAULT_PACKET_TTL_SECONDS } from '@hongbao/protocol';
import { readFileSync } from 'node:fs';

export type Mode = 'development' | 'production';

/** Everything the server can be configured with. Defaults suit a newcomer's development run. */
export interface Config {
  host: string;
  port: number;
  /** The store: a SQLite file path, or a postgres:// URL (docs/scaling.md). */
  db: string;
  mode: Mode;
  /** Base of code URLs (`<publicUrl>/c/<token>`); defaults to the listening address. */
  publicUrl: string | null;
  /** Claim window of a packet when the sender does not choose one, seconds. */
  packetTtlSeconds: number;
  /** How long a session token lasts, seconds. */
  sessionTtlSeconds: number;
  bannedWords: string[];
  /** Largest request body, bytes. */
  bodyLimit: number;
  /** How often the refund sweeper looks for expired packets, ms (0 turns it off). */
  sweepIntervalMs: number;
  /** Folder of the mini-program's H5 build to serve at `/`, when present. */
  h5Dir: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * SQLite durability. `FULL` (default): a write is acknowledged only once its commit is on disk, one
   * fsync per group-commit batch. `NORMAL` is atomic but may lose the last commits on power loss.
   */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Connections each instance keeps to PostgreSQL (when `db` is a postgres:// URL). */
  pgPoolSize: number;
  /** How often the webhook worker looks for retries due, ms (new events wake it at once; 0 turns delivery off). */
  webhookPollMs: number;
  /** Whether `start` runs the D+1 settlement at 00:30 Asia/Shanghai every day. */
  settlementSchedule: boolean;
  /** Thresholds of the risk rules (SPEC section 5); set any subset in the config file's `risk` object. */
  risk: RiskConfig;
  /** Abuse limits: requests per window, per caller (0 turns one off); the config file's `rateLimit` object. */
  rateLimit: RateLimitConfig;
  /** How long audit entries are kept before `audit purge` may remove them, days (SPEC section 6: 3 years). */
  auditRetentionDays: number;
}

export interface RiskConfig {
  /** Rule 2: equal payments in a row into one collect code that freeze it. */
  sameAmountStreak: number;
  /** Rule 3: most accounts one device may serve within `deviceWindowDays`. */
  deviceMaxAccounts: number;
  deviceWindowDays: number;
  /** Rule 4: local hours (Asia/Shanghai) of the night window, start inclusive, end exclusive. */
  nightStartHour: number;
  nightEndHour: number;
  /** Rule 4: a payment below this many fen counts as small. */
  nightSmallAmount: number;
  /** Rule 4: more than this many small payments by one account within `nightWindowMinutes` trips the rule. */
  nightMaxPayments: number;
  nightWindowMinutes: number;
  /** Rule 4: how long the account stays restricted unless a reviewer clears the flag first. */
  nightRestrictionHours: number;
  /** Rule 5: a single transaction above this many fen gets an AML report record. */
  amlThreshold: number;
  /** Rule 7: region → factor applied to the single and daily limits of accounts in that region. */
  regionFactors: Record<string, number>;
  /** Rule 8: more than this many accounts on one device paying one code within the window trips the rule. */
  sharedDeviceMaxAccounts: number;
  sharedDeviceWindowHours: number;
  sharedDeviceRestrictionDays: number;
  /** Also record `allow` decisions (one row per rule per request); off by default to keep claims fast. */
  recordAllowed: boolean;
}

export interface RateLimitConfig {
  /** Length of one counting window, seconds. */
  windowSeconds: number;
  /** Requests per window from one IP address, logins included. */
  perIp: number;
  /** Logins (`POST /v1/sessions`) per window from one IP address. */
  loginPerIp: number;
  /** Requests per window by one logged-in user. */
  perUser: number;
  /** Requests per window by one merchant app. */
  perApp: number;
}

export const DEFAULT_CONFIG: Config = {
  host: '127.0.0.1',
  port: 8080,
  db: './data/hongbao.db',
  mode: 'development',
  publicUrl: null,
  packetTtlSeconds: DEFAULT_PACKET_TTL_SECONDS,
  sessionTtlSeconds: 30 * 86_400,
  bannedWords: [...DEFAULT_BANNED_WORDS],
  bodyLimit: 64 * 1024,
  sweepIntervalMs: 10_000,
  h5Dir: null,
  logLevel: 'info',
  sqliteSynchronous: 'FULL',
  pgPoolSize: 16,
  webhookPollMs: 5_000,
  settlementSchedule: true,
  risk: {
    sameAmountStreak: 5,
    deviceMaxAccounts: 3,
    deviceWindowDays: 7,
    nightStartHour: 0,
    nightEndHour: 6,
    nightSmallAmount: 1_000,
    nightMaxPayments: 20,
    nightWindowMinutes: 60,
    nightRestrictionHours: 24,
    amlThreshold: 5_000_000,
    regionFactors: {},
    sharedDeviceMaxAccounts: 1,
    sharedDeviceWindowHours: 24,
    sharedDeviceRestrictionDays: 7,
    recordAllowed: false,
  },
  rateLimit: { windowSeconds: 60, perIp: 6_000, loginPerIp: 300, perUser: 1_200, perApp: 60_000 },
  auditRetentionDays: 3 * 365,
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Source = Record<string, unknown>;

const ENV_KEYS: Record<string, keyof Config> = {
  HONGBAO_HOST: 'host',
  HONGBAO_PORT: 'port',
  HONGBAO_DB: 'db',
  HONGBAO_MODE: 'mode',
  HONGBAO_PUBLIC_URL: 'publicUrl',
  HONGBAO_PACKET_TTL_SECONDS: 'packetTtlSeconds',
  HONGBAO_SESSION_TTL_SECONDS: 'sessionTtlSeconds',
  HONGBAO_BANNED_WORDS: 'bannedWords',
  HONGBAO_BODY_LIMIT: 'bodyLimit',
  HONGBAO_SWEEP_INTERVAL_MS: 'sweepIntervalMs',
  HONGBAO_H5_DIR: 'h5Dir',
  HONGBAO_LOG_LEVEL: 'logLevel',
  HONGBAO_SQLITE_SYNCHRONOUS: 'sqliteSynchronous',
  HONGBAO_PG_POOL_SIZE: 'pgPoolSize',
  HONGBAO_WEBHOOK_POLL_MS: 'webhookPollMs',
  HONGBAO_SETTLEMENT_SCHEDULE: 'settlementSchedule',
  HONGBAO_AUDIT_RETENTION_DAYS: 'auditRetentionDays',
};

const integer = (min: number, max: number) => (value: unknown, key: string, problems: string[]) => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    problems.push(`${key} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return number;
};
const oneOf = (choices: readonly string[]) => (value: unknown, key: string, problems: string[]) => {
  if (typeof value !== 'string' || !choices.includes(value)) {
    problems.push(`${key} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
};
const text = (value: unknown, key: string, problems: string[]) => {
  if (typeof value !== 'string' || value === '') {
    problems.push(`${key} must be a non-empty string (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
};
const url = (value: unknown, key: string, problems: string[]) => {
  const checked = text(value, key, problems);
  if (checked === undefined) return undefined;
  try {
    const parsed = new URL(checked);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    return checked.replace(/\/+$/, '');
  } catch {
    problems.push(`${key} must be an http(s) URL (got ${JSON.stringify(value)})`);
    return undefined;
  }
};
const words = (value: unknown, key: string, problems: string[]) => {
  const list = typeof value === 'string' ? value.split(',').map((word) => word.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((word) => typeof word === 'string' && word !== '')) {
    problems.push(`${key} must be a list of words (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return list;
};

const flag = (value: unknown, key: string, problems: string[]) => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  problems.push(`${key} must be true or false (got ${JSON.stringify(value)})`);
  return undefined;
};
const factors = (value: unknown, key: string, problems: string[]) => {
  const valid =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((factor) => typeof factor === 'number' && factor > 0 && factor <= 10);
  if (!valid) {
    problems.push(`${key} must map region names to factors above 0 and at most 10 (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return { ...(value as Record<string, number>) };
};
type Validator<T> = (value: unknown, key: string, problems: string[]) => T | undefined;

/**
 * A nested settings object: every given value is checked on its own and named by its path
 * (`risk.nightMaxPayments`). Returns only the values given, which `loadConfig` lays over the
 * values of earlier layers, so a config file and overrides can each set part of a section.
 */
const section =
  <T extends object>(validators: { [K in keyof T]: Validator<T[K]> }) =>
  (value: unknown, key: string, problems: string[]): T | undefined => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${key} must be an object of settings (got ${JSON.stringify(value)})`);
      return undefined;
    }
    const result = {} as T;
    for (const [name, given] of Object.entries(value)) {
      if (!(name in validators)) {
        problems.push(`unknown setting "${key}.${name}"`);
        continue;
      }
      const checked = (validators[name as keyof T] as Validator<unknown>)(given, `${key}.${name}`, problems);
      if (checked !== undefined) (result as Record<string, unknown>)[name] = checked;
    }
    return result;
  };

const VALIDATORS: { [K in keyof Config]: (value: unknown, key: string, problems: string[]) => Config[K] | undefined } = {
  host: text,
  port: integer(0, 65_535),
  db: text,
  mode: oneOf(['development', 'production']) as (v: unknown, k: string, p: string[]) => Mode | undefined,
  publicUrl: url,
  packetTtlSeconds: integer(60, 7 * 86_400),
  sessionTtlSeconds: integer(60, 365 * 86_400),
  bannedWords: words,
  bodyLimit: integer(1024, 10 * 1024 * 1024),
  sweepIntervalMs: integer(0, 3_600_000),
  h5Dir: text,
  logLevel: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) as (v: unknown, k: string, p: string[]) => Config['logLevel'] | undefined,
  sqliteSynchronous: oneOf(['NORMAL', 'FULL']) as (v: unknown, k: string, p: string[]) => Config['sqliteSynchronous'] | undefined,
  webhookPollMs: integer(0, 3_600_000),
  pgPoolSize: integer(1, 500),
  settlementSchedule: flag,
  risk: section<RiskConfig>({
    sameAmountStreak: integer(2, 1_000),
    deviceMaxAccounts: integer(1, 1_000),
    deviceWindowDays: integer(1, 365),
    nightStartHour: integer(0, 23),
    nightEndHour: integer(0, 24),
    nightSmallAmount: integer(1, 1_000_000_000),
    nightMaxPayments: integer(1, 1_000_000),
    nightWindowMinutes: integer(1, 24 * 60),
    nightRestrictionHours: integer(1, 365 * 24),
    amlThreshold: integer(1, 1_000_000_000_000),
    regionFactors: factors,
    sharedDeviceMaxAccounts: integer(1, 1_000),
    sharedDeviceWindowHours: integer(1, 365 * 24),
    sharedDeviceRestrictionDays: integer(1, 365),
    recordAllowed: flag,
  }),
  rateLimit: section<RateLimitConfig>({
    windowSeconds: integer(1, 86_400),
    perIp: integer(0, 100_000_000),
    loginPerIp: integer(0, 100_000_000),
    perUser: integer(0, 100_000_000),
    perApp: integer(0, 100_000_000),
  }),
  auditRetentionDays: integer(1, 100 * 365),
};

/** Settings that are objects of their own settings, merged layer over layer. */
const SECTIONS: ReadonlySet<keyof Config> = new Set<keyof Config>(['risk', 'rateLimit']);

/**
 * Builds the configuration from, in rising precedence: defaults, a JSON config file
 * (`HONGBAO_CONFIG` or `configFile`), environment variables and explicit overrides (CLI flags).
 * Every bad value is reported at once, each with its own message.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; configFile?: string; overrides?: Partial<Record<keyof Config, unknown>> } = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const layers: Array<[string, Source]> = [];
  const file = options.configFile ?? env.HONGBAO_CONFIG;
  if (file) {
    try {
      layers.push([file, JSON.parse(readFileSync(file, 'utf8')) as Source]);
    } catch (error) {
      problems.push(`config file ${file} could not be read as JSON: ${(error as Error).message}`);
    }
  }
  const fromEnv: Source = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  layers.push(['environment', fromEnv]);
  layers.push(['options', Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, v]) => v !== undefined))]);

  const config: Config = { ...DEFAULT_CONFIG, bannedWords: [...DEFAULT_CONFIG.bannedWords], risk: { ...DEFAULT_CONFIG.risk, regionFactors: {} }, rateLimit: { ...DEFAULT_CONFIG.rateLimit } };
  for (const [origin, layer] of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (!(key in VALIDATORS)) {
        problems.push(`unknown setting "${key}" in ${origin}`);
        continue;
      }
      const name = key as keyof Config;
      const label = origin === 'environment' ? Object.keys(ENV_KEYS).find((envName) => ENV_KEYS[envName] === name)! : key;
      const checked = (VALIDATORS[name] as (v: unknown, k: string, p: string[]) => unknown)(value, label, problems);
      if (checked === undefined) continue;
      const target = config as unknown as Record<string, unknown>;
      target[name] = SECTIONS.has(name) ? { ...(target[name] as object), ...(checked as object) } : checked;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
