// Helpers for the benchmarks: child servers, load runs with a progress line, small HTTP calls.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';

/** Writes a line that rewrites itself on a terminal (stderr), and a plain line elsewhere. */
export function progress(text, { done = false } = {}) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${text}\n`);
}

/** Forks `script`, waits for it to report `{url}` over IPC and returns a handle that stops it. */
export async function startChild(script, env = {}, execArgv = []) {
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const [message] = await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => {
      throw new Error(`${script} exited with code ${code} before it was ready`);
    }),
  ]);
  return {
    url: message.url,
    child,
    /** Asks the child to shut down gracefully (SIGTERM) and resolves with its exit code. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

/**
 * Runs autocannon with a one-line progress report on stderr every second. `setup` receives the
 * running instance before the first request goes out (so a request generator can stop it).
 */
export async function load(label, options, setup) {
  const instance = autocannon(options);
  setup?.(instance);
  let sent = 0;
  let seconds = 0;
  instance.on('tick', ({ counter }) => {
    sent += counter;
    seconds += 1;
    progress(`  ${label}: ${seconds}/${options.duration} s, ${counter.toLocaleString('en')} req/s, ${sent.toLocaleString('en')} responses`);
  });
  const result = await instance;
  progress(`  ${label}: done, ${result.requests.total.toLocaleString('en')} responses in ${result.duration} s`, { done: true });
  return result;
}

/** A JSON request that throws unless the status is the expected one. */
export async function request(url, { method = 'POST', headers = {}, body, expect = [200, 201] } = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, { method, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers }, body: payload });
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight, reporting progress. */
export async function inParallel(label, count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
      if (++done % 500 === 0 || done === count) progress(`  ${label}: ${done.toLocaleString('en')}/${count.toLocaleString('en')}`, { done: done === count });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
