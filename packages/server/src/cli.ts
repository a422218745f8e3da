#!/usr/bin/env node
import { CreateDevMerchantBody } from '@hongbao/protocol';
import type { ValidateFunction } from 'ajv';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app';
import { registerAuditCommands } from './cli-audit';
import { registerMerchantCommands } from './cli-merchant';
import { ConfigError, loadConfig, type Config } from './config';
import { AppError } from './errors';
import { describe, fieldOf, validatorCompiler } from './http/validation';
import type { Services } from './services';
import { startServer, type RunningServer } from './server';
import { openDatabase } from './store/open';

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Where HONGBAO_* settings come from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

export interface CliResult {
  exitCode: number;
  /** Set by `start`: the running server, which keeps the process alive until it is closed. */
  server?: RunningServer;
}

/** A flag value that parsed but does not make sense; reported like commander's own usage errors. */
class UsageError extends Error {}

const VERSION = (JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;

interface ConfigFlags {
  db?: string;
  config?: string;
}

const integerFlag = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return Number(value);
};
const numberFlag = (name: string) => (value: string) => {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError(`${name} must be a number such as 0.006.`);
  return number;
};

/** The same schema and messages as `POST /v1/dev/merchants`, so both paths reject the same input the same way. */
const validateMerchant = validatorCompiler({ schema: CreateDevMerchantBody, method: 'POST', url: 'merchant create', httpPart: 'body' }) as unknown as ValidateFunction<CreateDevMerchantBody>;
const MERCHANT_FLAGS: Record<string, string> = { tier: '--tier', name: '--name', feeRate: '--fee-rate', codeTtlSeconds: '--code-ttl' };

/**
 * Runs the `hongbao-server` command line in-process: parses `argv` (without `node` and the script),
 * writes to `io` and resolves with the exit code instead of exiting, so tests can drive it.
 */
export async function runCli(argv: string[], io: CliIO): Promise<CliResult> {
  const env = io.env ?? process.env;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const result: CliResult = { exitCode: 0 };

  const configFrom = (flags: ConfigFlags, overrides: Partial<Record<keyof Config, unknown>> = {}): Config =>
    loadConfig({ env, configFile: flags.config, overrides: { db: flags.db, ...overrides } });

  /** Opens the configured database through the app itself, runs `work` with its services, and closes it. */
  const withServices = async <T>(flags: ConfigFlags, work: (services: Services) => Promise<T> | T): Promise<T> => {
    const app = await buildApp({ config: { ...configFrom(flags), logLevel: 'silent', sweepIntervalMs: 0 } });
    try {
      return await work(app.hongbao.services);
    } finally {
      await app.close();
    }
  };

  const program = new Command('hongbao-server')
    .description('Hongbao red-packet payment-code server')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nSettings come from, in rising precedence: defaults, a JSON file (--config or HONGBAO_CONFIG),\nHONGBAO_* environment variables (HONGBAO_HOST, HONGBAO_PORT, HONGBAO_DB, …), then flags.',
    );
  const dbOption = () => new Option('--db <file|url>', 'SQLite database file or postgres:// URL (env HONGBAO_DB)');
  const configOption = () => new Option('--config <file>', 'JSON config file (env HONGBAO_CONFIG)');

  program
    .command('start')
    .description('serve the API, the H5 mini-program and the claim pages')
    .option('--host <host>', 'interface to listen on (env HONGBAO_HOST)')
    .option('--port <port>', 'port to listen on, 0 picks a free one (env HONGBAO_PORT)')
    .addOption(dbOption())
    .addOption(new Option('--mode <mode>', 'development enables the dev login, sandbox rail and dev routes (env HONGBAO_MODE)').choices(['development', 'production']))
    .option('--public-url <url>', 'base URL that QR codes point at (env HONGBAO_PUBLIC_URL)')
    .addOption(configOption())
    .action(async (flags: ConfigFlags & { host?: string; port?: string; mode?: string; publicUrl?: string }) => {
      const config = configFrom(flags, { host: flags.host, port: flags.port, mode: flags.mode, publicUrl: flags.publicUrl });
      result.server = await startServer(config, { print: out });
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (flags: ConfigFlags) => {
      const config = configFrom(flags);
      const database = openDatabase(config);
      try {
        const ran = await database.migrate();
        out(ran === 0 ? `${database.location} is up to date; no migrations to run.` : `Ran ${ran} migration${ran === 1 ? '' : 's'} on ${database.location}.`);
      } finally {
        await database.close();
      }
    });

  const merchant = program.command('merchant').description('manage merchant accounts');
  merchant
    .command('create')
    .description('create an enterprise or provider merchant and print its app credentials as JSON')
    .addOption(new Option('--tier <tier>', 'merchant tier').choices(['enterprise', 'provider']).makeOptionMandatory())
    .requiredOption('--name <name>', 'merchant display name')
    .option('--fee-rate <rate>', 'fee on money received through codes, e.g. 0.006 for 0.6%', numberFlag('--fee-rate'))
    .option('--code-ttl <seconds>', 'custom code validity in seconds, 30–3600 (provider only)', integerFlag('--code-ttl'))
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (flags: ConfigFlags & { tier: string; name: string; feeRate?: number; codeTtl?: number }) => {
      const given = { tier: flags.tier, name: flags.name, feeRate: flags.feeRate, codeTtlSeconds: flags.codeTtl };
      const body = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
      if (!validateMerchant(body)) {
        const error = validateMerchant.errors![0];
        const field = fieldOf(error, 'body');
        throw new UsageError(describe(error, MERCHANT_FLAGS[field] ?? field));
      }
      const credentials = await withServices(flags, (services) => services.auth.createMerchant(body));
      out(JSON.stringify(credentials, null, 2));
    });

  const keys = program.command('keys').description('manage code-token keys');
  keys
    .command('rotate')
    .description('make new code-token keys current; tokens under the old keys stay valid until they expire')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (flags: ConfigFlags) => {
      const rotated = await withServices(flags, (services) => services.keys.rotate());
      for (const { scheme, kid } of rotated) out(`${scheme}: new key id ${kid}`);
    });

  registerMerchantCommands(program, {
    out,
    progress: (text) => io.stderr.write(text),
    configFrom,
    dbOption,
    configOption,
    setExitCode: (code) => {
      result.exitCode = code;
    },
  });
  registerAuditCommands(program, {
    out,
    err: (line) => io.stderr.write(`${line}\n`),
    configFrom,
    dbOption,
    configOption,
    setExitCode: (code) => {
      result.exitCode = code;
    },
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return result;
  } catch (error) {
    return { exitCode: report(error, io) };
  }
}

/** Prints a failure the way an operator needs it and returns the exit code. */
function report(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Commander has already printed the help, the version or what was wrong with the usage.
    return error.exitCode;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (error instanceof AppError) {
    io.stderr.write(`error: ${error.code}: ${error.message}\n`);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    io.stderr.write(`error: cannot listen: ${(error as Error).message}. Choose another --host/--port (0 picks a free port).\n`);
    return 1;
  }
  io.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

if (require.main === module) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(({ exitCode }) => {
    process.exitCode = exitCode;
  });
}
