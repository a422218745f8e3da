import { DEFAULT_BANNED_WORDS, DEFAULT_PACKET_TTL_SECONDS } from '@hongbao/protocol';
import { readFileSync } from 'node:fs';

export type Mode = 'development' | 'production';

/** Everything the server can be configured with. Defaults suit a newcomer's development run. */
export interface Config {
  host: string;
  port: number;
  /** A SQLite file path (PostgreSQL URLs are a later addition). */
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
  /** `FULL` fsyncs every commit; `NORMAL` (default) is atomic but may lose the last commits on power loss. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
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
  sqliteSynchronous: 'NORMAL',
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
};

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

  const config: Config = { ...DEFAULT_CONFIG, bannedWords: [...DEFAULT_CONFIG.bannedWords] };
  for (const [origin, layer] of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (!(key in VALIDATORS)) {
        problems.push(`unknown setting "${key}" in ${origin}`);
        continue;
      }
      const name = key as keyof Config;
      const label = origin === 'environment' ? Object.keys(ENV_KEYS).find((envName) => ENV_KEYS[envName] === name)! : key;
      const checked = (VALIDATORS[name] as (v: unknown, k: string, p: string[]) => unknown)(value, label, problems);
      if (checked !== undefined) (config as unknown as Record<string, unknown>)[name] = checked;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
