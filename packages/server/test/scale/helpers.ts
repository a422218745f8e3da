/**
 * Helpers of the scale suites: real `hongbao-server start` child processes (the built CLI), a
 * keep-alive HTTP client, signed merchant calls and direct looks at the store.
 */
import type { MerchantCredentials } from '@hongbao/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../src/store/open';
import type { Database } from '../../src/store/sql';
import { signRequest } from '../../src/testing/harness';

/** The built command line; the suites run the real thing, not the sources. */
export const CLI = resolve(__dirname, '../../dist/cli.js');

/** Fails with a clear message when the server has not been built (`pnpm test` builds first). */
export function requireBuild(): void {
  if (!existsSync(CLI)) {
    throw new Error(`The scale suites run the built server, but ${CLI} is missing. Build first: \`npx tsc -b packages/protocol packages/server\` (or run \`pnpm test\`, which builds).`);
  }
}

/** A temporary folder with a config file that turns the per-caller rate limits off (thousands of users share 127.0.0.1 here). */
export function scratchFolder(): { dir: string; configFile: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hongbao-scale-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ logLevel: 'warn', rateLimit: { perIp: 0, loginPerIp: 0, perUser: 0, perApp: 0 } }, null, 2));
  return { dir, configFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Instance {
  url: string;
  child: ChildProcess;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote so far (for failure messages). */
  output(): string;
  /** Sends SIGKILL (if still running) and waits for the process to end. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
/** The output of every instance started in this file, for failure messages. */
const logs: Array<{ label: string; output: () => string }> = [];
// Last resort: never leave a server behind when the jest worker itself goes away.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Env for a child: ours without any HONGBAO_* setting, so only the flags and the config file count. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('HONGBAO_')) env[name] = value;
  return env;
}

/**
 * Starts `node dist/cli.js start --port 0 --db <db> --mode development --config <file>` and resolves
 * once it prints `Hongbao listening on <url> (…)` (its first stdout line).
 */
export function startInstance(db: string, configFile: string, label: string, readyTimeoutMs = 60_000): Promise<Instance> {
  requireBuild();
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--db', db, '--mode', 'development', '--config', configFile], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  logs.push({ label, output: () => log });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      done({ code, signal });
    });
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    log += text;
  });
  child.stdout!.setEncoding('utf8');
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise<Instance>((ready, failed) => {
    let pending = '';
    let first = true;
    const timer = setTimeout(() => {
      void kill();
      failed(new Error(`${label}: no "Hongbao listening on" line within ${readyTimeoutMs} ms. Output:\n${log}`));
    }, readyTimeoutMs);
    child.stdout!.on('data', (text: string) => {
      log += text;
      if (!first) return;
      pending += text;
      // The listening line comes first; any line before it (a log line) is skipped.
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const match = /^Hongbao listening on (\S+) \(/.exec(line);
        if (!match) continue;
        first = false;
        clearTimeout(timer);
        ready({ url: match[1], child, exited, output: () => log, kill });
        return;
      }
    });
    void exited.then(({ code, signal }) => {
      if (!first) return;
      clearTimeout(timer);
      failed(new Error(`${label} exited (code ${code}, signal ${signal}) before it was listening. Output:\n${log}`));
    });
  });
}

/**
 * Runs `work`; when it fails, the error message gets what the servers printed (their errors are
 * logged there).
 */
export async function withServerLogs<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const printed = logs
      .map(({ label, output }) => ({ label, text: output().trim() }))
      .filter(({ text }) => text !== '')
      .map(({ label, text }) => `--- ${label} ---\n${text.length > 20_000 ? `…${text.slice(-20_000)}` : text}`);
    if (error instanceof Error && printed.length > 0) error.message += `\n\nServer output:\n${printed.join('\n')}`;
    throw error;
  }
}

/** Forgets the output of the instances started so far (between tests that start their own). */
export function forgetServerLogs(): void {
  logs.length = 0;
}

/** SIGKILLs every server process still running. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exited = new Promise((done) => child.once('exit', done));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      else return;
      await exited;
    }),
  );
}

export interface Response<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

/** A small JSON client over keep-alive sockets (at most `maxSockets` per server). */
export class Client {
  readonly agent: http.Agent;

  constructor(maxSockets = 200) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** `body`: an object (sent as JSON) or the exact JSON text (what a signature covers). */
  request<T = any>(base: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response<T>> {
    const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (payload !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((done, failed) => {
      const req = http.request(new URL(path, base), { method, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('error', failed);
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text
          }
          done({ status: res.statusCode!, headers: res.headers, body: body as T });
        });
      });
      req.on('error', failed);
      req.end(payload);
    });
  }

  /** Like `request`, but throws unless the answer has status `expected`. */
  async expect<T = any>(expected: number, base: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const response = await this.request<T>(base, method, path, options);
    if (response.status !== expected) throw new Error(`${method} ${base}${path} answered ${response.status}, expected ${expected}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** A merchant request signed (SPEC section 8) with a fresh nonce unless one is given. */
  signed<T = any>(base: string, credentials: MerchantCredentials, method: string, path: string, body?: unknown, extra: { nonce?: string; headers?: Record<string, string> } = {}): Promise<Response<T>> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers = { ...(extra.headers ?? {}), authorization: signRequest(credentials, method, path, payload, Date.now(), extra.nonce) };
    return this.request<T>(base, method, path, { body: body === undefined ? undefined : payload, headers });
  }

  /** Logs a user in with the dev provider; resolves to the session token and user id. */
  async login(base: string, openid: string): Promise<{ token: string; userId: string }> {
    const body = await this.expect(200, base, 'POST', '/v1/sessions', { body: { provider: 'dev', openid } });
    return { token: body.token, userId: body.user.id };
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; resolves to the results in
 * order. After a failure no new task starts, and it rejects once the running ones have settled (so
 * nothing keeps loading the servers behind the next test's back).
 */
export async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < count && !failure) {
      const i = next++;
      try {
        results[i] = await task(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/** Opens the store a server uses, straight from the test process, runs `work` and closes it. */
export async function withDatabase<T>(db: string, work: (database: Database) => Promise<T>): Promise<T> {
  const database = openDatabase({ db, sqliteSynchronous: 'FULL', pgPoolSize: 4 });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** `{"201": n, "409 PACKET_EXHAUSTED": m, …}`: what a batch of responses came to, for one readable expectation. */
export function tally(responses: Array<Response | Error>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    const key =
      response instanceof Error
        ? `error ${(response as NodeJS.ErrnoException).code ?? response.message}`
        : response.status < 300
          ? String(response.status)
          : `${response.status} ${(response.body as { error?: { code?: string } })?.error?.code ?? JSON.stringify(response.body)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
