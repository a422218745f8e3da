import { systemClock, type Clock } from './core/clock';
import { InvalidArgumentError } from './core/errors';
import { Transport, type Adapter, type Auth } from './core/transport';
import { webhooks } from './core/webhooks';
import { Batches } from './resources/batches';
import { Claims } from './resources/claims';
import { Codes } from './resources/codes';
import { CollectCodes } from './resources/collect-codes';
import { Dev } from './resources/dev';
import { Keys } from './resources/keys';
import { Me } from './resources/me';
import { Packets } from './resources/packets';
import { Payments } from './resources/payments';
import { Scenes } from './resources/scenes';
import { Sessions } from './resources/sessions';
import { Settlements } from './resources/settlements';
import { Stats } from './resources/stats';
import { Wallet } from './resources/wallet';
import { WebhookDeliveries } from './resources/webhook-deliveries';
import { WebhookEndpoints } from './resources/webhook-endpoints';

/** Options of a {@link Hongbao} client. Any other key is rejected. */
export interface ClientOptions {
  /**
   * The server's base URL, e.g. `https://hb.example.com` (no `/v1`). Merchant signatures cover the
   * path from `/v1` on, which is what the server sees behind a proxy that strips a prefix.
   */
  baseURL: string;
  /**
   * Who is calling: a user's session token (from `sessions.create`, sent as
   * `Authorization: Bearer …`), or a merchant's `{ appId, secret }`, with which every request is
   * signed with HMAC-SHA256 as SPEC section 8 says. Without it only public routes work
   * (`sessions.create`, `dev.merchants.create`, `keys.list`).
   * @default undefined
   */
  auth?: Auth;
  /**
   * The axios adapter that sends requests: `createTaroAdapter(Taro)` from `@hongbao/sdk/taro` in a
   * mini-program, `'fetch'` to use the Fetch API, or your own for tests.
   * @default axios's own (`http` in Node, `xhr`/`fetch` in browsers)
   */
  adapter?: Adapter;
  /** Milliseconds one attempt may take before it fails with a timeout (and is retried). @default 60000 */
  timeout?: number;
  /**
   * Retries after a connection error, timeout, 408, 409 (other than a final business answer),
   * 429 or 5xx, with exponential back-off and jitter, honouring `Retry-After` up to 60 s.
   * A POST is retried only with an idempotency key, which it has unless a call opts out.
   * @default 2
   */
  maxRetries?: number;
  /** Headers sent with every request. @default {} */
  headers?: Record<string, string>;
  /** Where the SDK reads the time and waits (retry back-off, polling, token refresh); inject one in tests. @default the system clock */
  clock?: Clock;
}

const OPTION_NAMES: readonly (keyof ClientOptions)[] = ['baseURL', 'auth', 'adapter', 'timeout', 'maxRetries', 'headers', 'clock'];

function validate(options: ClientOptions): void {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('new Hongbao(options) needs an options object with at least { baseURL }.');
  const unknown = Object.keys(options).filter((key) => !(OPTION_NAMES as readonly string[]).includes(key));
  if (unknown.length) throw new InvalidArgumentError(`Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}; the options are ${OPTION_NAMES.join(', ')}.`);
  if (typeof options.baseURL !== 'string' || !/^https?:\/\/[^/]/i.test(options.baseURL)) {
    throw new InvalidArgumentError(`baseURL must be an http(s) URL such as "https://hb.example.com", got ${JSON.stringify(options.baseURL)}.`);
  }
  const { auth } = options;
  const validAuth =
    auth === undefined ||
    (typeof auth === 'string' && auth.length > 0) ||
    (typeof auth === 'object' && auth !== null && ('token' in auth ? typeof auth.token === 'string' && auth.token.length > 0 : typeof auth.appId === 'string' && !!auth.appId && typeof auth.secret === 'string' && !!auth.secret));
  if (!validAuth) throw new InvalidArgumentError('auth must be a session token string, { token }, or merchant credentials { appId, secret }.');
  for (const key of ['timeout', 'maxRetries'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) throw new InvalidArgumentError(`${key} must be a non-negative integer, got ${String(value)}.`);
  }
}

/**
 * The Hongbao API client. Immutable: `withOptions` makes a new one (e.g. with a user's token
 * after logging in).
 *
 * @example
 * import { Hongbao } from '@hongbao/sdk';
 *
 * const client = new Hongbao({ baseURL: 'http://localhost:8080' });
 * const { token } = await client.sessions.create({ provider: 'dev', openid: 'alice' });
 * const alice = client.withOptions({ auth: token });
 * const packet = await alice.packets.create({ mode: 'random', total: 1000, count: 5 });
 */
export class Hongbao {
  /** Logging in. */
  readonly sessions: Sessions;
  /** The caller's profile and usage. */
  readonly me: Me;
  /** Balance, ledger and sandbox top-ups. */
  readonly wallet: Wallet;
  /** Red packets: create, retrieve, list, claims, fairness, poll. */
  readonly packets: Packets;
  /** Dynamic codes: issue, createCollect, refresh, revoke, unfreeze, resolve, autoRefresh. */
  readonly codes: Codes;
  /** Claiming shares. */
  readonly claims: Claims;
  /** Paying into collect codes, and merchants' refunds before settlement. */
  readonly payments: Payments;
  /** A collect code's incoming payments, also as a live stream. */
  readonly collectCodes: CollectCodes;
  /** Scenes with recommended amounts. */
  readonly scenes: Scenes;
  /** Published code-signing public keys. */
  readonly keys: Keys;
  /** Development-mode helpers (`dev.merchants.create`). */
  readonly dev: Dev;
  /** Merchants' webhook endpoints: create (the secret is shown once), list, del. */
  readonly webhookEndpoints: WebhookEndpoints;
  /** The webhook delivery log and redelivery by hand. */
  readonly webhookDeliveries: WebhookDeliveries;
  /** Batch issuance (provider): create, retrieve, items, poll, createAndPoll. */
  readonly batches: Batches;
  /** D+1 settlements and their CSV statements. */
  readonly settlements: Settlements;
  /** Campaign statistics. */
  readonly stats: Stats;
  /** Webhook verification: `constructEvent` and `generateTestHeader`. */
  readonly webhooks = webhooks;

  // A private field, so that logging a client never prints its credentials.
  readonly #options: Readonly<ClientOptions>;

  constructor(options: ClientOptions) {
    validate(options);
    this.#options = { ...options };
    const transport = new Transport({
      baseURL: options.baseURL,
      auth: options.auth,
      adapter: options.adapter,
      timeout: options.timeout ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      headers: options.headers ?? {},
      clock: options.clock ?? systemClock,
    });
    this.sessions = new Sessions(transport);
    this.me = new Me(transport);
    this.wallet = new Wallet(transport);
    this.packets = new Packets(transport);
    this.codes = new Codes(transport);
    this.claims = new Claims(transport);
    this.payments = new Payments(transport);
    this.collectCodes = new CollectCodes(transport);
    this.scenes = new Scenes(transport);
    this.keys = new Keys(transport);
    this.dev = new Dev(transport);
    this.webhookEndpoints = new WebhookEndpoints(transport);
    this.webhookDeliveries = new WebhookDeliveries(transport);
    this.batches = new Batches(transport);
    this.settlements = new Settlements(transport);
    this.stats = new Stats(transport);
  }

  /** The server this client talks to. */
  get baseURL(): string {
    return this.#options.baseURL;
  }

  /**
   * A new client with these options changed and the rest kept.
   *
   * @example
   * const alice = client.withOptions({ auth: session.token });
   */
  withOptions(overrides: Partial<ClientOptions>): Hongbao {
    return new Hongbao({ ...this.#options, ...overrides });
  }
}
