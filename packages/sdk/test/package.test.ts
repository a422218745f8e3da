/**
 * The built package as a third party gets it: a consumer project that `require`s it (CJS),
 * `import`s it (ESM) and type-checks against its declarations, plus the examples compiled against
 * it. Builds the package first when `dist` is missing or older than the sources.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type LiveServer } from './helpers';

const sdk = join(__dirname, '..');
const repo = join(sdk, '..', '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function ensureBuilt(): void {
  const built = (() => {
    try {
      return Math.min(statSync(join(sdk, 'dist', 'index.js')).mtimeMs, statSync(join(sdk, 'dist', 'taro.d.mts')).mtimeMs);
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newestMtime(join(sdk, 'src')), newestMtime(join(sdk, 'tsup.config.ts')), newestMtime(join(repo, 'packages', 'protocol', 'src')));
  if (built < sources) execFileSync(join(sdk, 'node_modules', '.bin', 'tsup'), { cwd: sdk, stdio: 'pipe' });
}

/** Runs a Node script in a child process, without blocking this process (which serves the API). */
const run = async (file: string, args: string[], cwd: string) => (await promisify(execFile)(process.execPath, [file, ...args], { cwd, encoding: 'utf8', timeout: 20_000 })).stdout;

/** What each runtime consumer does: log in, top up, create a packet, and exercise helpers and errors. */
const scenario = (load: string) => `${load}
const baseURL = process.argv[2];
(async () => {
  const client = new Hongbao({ baseURL });
  const { token } = await client.sessions.create({ provider: 'dev', openid: 'consumer-' + Date.now() + Math.random().toString(36).slice(2) });
  const me = client.withOptions({ auth: token });
  const wallet = await me.wallet.topup({ amount: 1000 });
  const packet = await me.packets.create({ mode: 'fixed', total: 300, count: 3 });
  let refused;
  try { await me.packets.create({ mode: 'fixed', total: 0, count: 1 }); } catch (error) { refused = [error instanceof BadRequestError, isAPIError(error), error.code]; }
  let unknownOption;
  try { new Hongbao({ baseURL, retries: 1 }); } catch (error) { unknownOption = error.name; }
  console.log(JSON.stringify({ balance: wallet.balance, status: packet.status, money: formatFen(packet.total), refused, unknownOption, taro: typeof createTaroAdapter }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const consumerTs = `import { Hongbao, APIError, isAPIError, formatFen, parseCodeUrl, verifyFairness, webhooks, type Packet, type Code, type RequestOptions } from '@hongbao/sdk';
import { createTaroAdapter, type TaroLike } from '@hongbao/sdk/taro';

declare const Taro: TaroLike;
const client = new Hongbao({ baseURL: 'https://hb.example.com', adapter: createTaroAdapter(Taro), auth: { appId: 'a', secret: 's' }, maxRetries: 3 });
// @ts-expect-error unknown options are a type error too
new Hongbao({ baseURL: 'https://hb.example.com', retries: 3 });
const options: RequestOptions = { idempotencyKey: null };
export async function flow(): Promise<string> {
  const packet: Packet = await client.packets.create({ mode: 'random', total: 888, count: 3, scene: 'wedding' }, options);
  // @ts-expect-error scene is a closed set
  await client.packets.create({ mode: 'random', total: 888, count: 3, scene: 'funeral' });
  const done = await client.packets.poll(packet.id, { until: (p) => p.status === 'finished', timeoutMs: 1000 });
  const code: Code = await client.codes.issue(done.id);
  const handle = client.codes.autoRefresh(code.id, (fresh: Code) => fresh.url, { current: code });
  handle.stop();
  for await (const payment of client.collectCodes.stream(code.id)) return formatFen(payment.amount);
  const fair: boolean = verifyFairness(packet.commitment, 'salt', [1, 2]);
  const event = webhooks.constructEvent('{}', { 'hongbao-signature': 't=1,v1=00' }, 'secret');
  const error: unknown = null;
  if (isAPIError(error)) return error.code satisfies string;
  return String(fair) + event.type + (parseCodeUrl(code.url)?.token ?? '') + (error instanceof APIError);
}
`;

let server: LiveServer;
let consumer: string;

beforeAll(async () => {
  ensureBuilt();
  server = await startServer();
  consumer = mkdtempSync(join(tmpdir(), 'hongbao-sdk-consumer-'));
  mkdirSync(join(consumer, 'node_modules', '@hongbao'), { recursive: true });
  symlinkSync(sdk, join(consumer, 'node_modules', '@hongbao', 'sdk'), 'dir');
  writeFileSync(join(consumer, 'cjs.cjs'), scenario(`const { Hongbao, BadRequestError, isAPIError, formatFen } = require('@hongbao/sdk');\nconst { createTaroAdapter } = require('@hongbao/sdk/taro');`));
  writeFileSync(join(consumer, 'esm.mjs'), scenario(`import { Hongbao, BadRequestError, isAPIError, formatFen } from '@hongbao/sdk';\nimport { createTaroAdapter } from '@hongbao/sdk/taro';`));
  writeFileSync(join(consumer, 'esm-consumer.mts'), consumerTs);
  writeFileSync(join(consumer, 'cjs-consumer.cts'), consumerTs.replace(/^export async function/m, 'export async function'));
  writeFileSync(join(consumer, 'node10-consumer.ts'), consumerTs);
  const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false };
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, module: 'nodenext', moduleResolution: 'nodenext' }, files: ['esm-consumer.mts', 'cjs-consumer.cts'] }));
  writeFileSync(
    join(consumer, 'tsconfig.node10.json'),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, types: ['node'], typeRoots: [join(repo, 'node_modules', '@types')] },
      files: ['node10-consumer.ts', ...['node-quickstart', 'merchant-basic'].flatMap((example) => ['main.ts', 'cli.ts', 'qrcode-terminal.d.ts'].map((file) => join(repo, 'examples', example, 'src', file))).filter((file) => !file.includes('merchant-basic/src/qrcode'))],
    }),
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('the built package', () => {
  const expected = { balance: 1000, status: 'active', money: '¥3.00', refused: [true, true, 'VALIDATION_FAILED'], unknownOption: 'InvalidArgumentError', taro: 'function' };

  it('works from CommonJS with require', async () => {
    expect(JSON.parse(await run('cjs.cjs', [server.baseURL], consumer))).toEqual(expected);
  }, 30_000);

  it('works from an ES module with import', async () => {
    expect(JSON.parse(await run('esm.mjs', [server.baseURL], consumer))).toEqual(expected);
  }, 30_000);

  it('type-checks an ESM and a CJS TypeScript consumer under nodenext resolution', async () => {
    await expect(run(tsc, ['-p', 'tsconfig.json'], consumer).catch((error) => Promise.reject(new Error(error.stdout || error)))).resolves.toBe('');
  }, 60_000);

  it('type-checks a consumer under classic node resolution, and the examples, against the built declarations', async () => {
    await expect(run(tsc, ['-p', 'tsconfig.node10.json'], consumer).catch((error) => Promise.reject(new Error(error.stdout || error)))).resolves.toBe('');
  }, 60_000);
});
