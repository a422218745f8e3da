/**
 * The Taro adapter against a fake `Taro.request` that records its calls; the fake either answers
 * by hand or forwards to the real server with fetch, as a mini-program's request would.
 */
import { APIConnectionTimeoutError, APIUserAbortError, ConflictError, Hongbao } from '@hongbao/sdk';
import axios, { AxiosError } from 'axios';
import { createTaroAdapter, type TaroLike, type TaroRequestOptions, type TaroRequestResult } from '../src/taro';
import { FakeClock, startServer, type LiveServer } from './helpers';

/** A fake Taro whose `request` records each call and answers with `answer`. */
function fakeTaro(answer: (options: TaroRequestOptions) => Promise<TaroRequestResult>) {
  const calls: TaroRequestOptions[] = [];
  const aborts: number[] = [];
  const taro: TaroLike = {
    request(options) {
      calls.push(options);
      const task = answer(options) as Promise<TaroRequestResult> & { abort?: () => void };
      task.abort = () => aborts.push(calls.length - 1);
      return task;
    },
  };
  return { taro, calls, aborts };
}

/** Sends a Taro request with fetch, the way a mini-program's network layer would. */
async function viaFetch(options: TaroRequestOptions): Promise<TaroRequestResult> {
  const response = await fetch(options.url, { method: options.method, headers: options.header, body: options.data as string | undefined });
  const header: Record<string, string> = {};
  response.headers.forEach((value, name) => (header[name] = value));
  return { statusCode: response.status, data: await response.text(), header };
}

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('createTaroAdapter', () => {
  it('sends every SDK request through Taro.request against the real server, signed merchant requests included', async () => {
    const { taro, calls } = fakeTaro(viaFetch);
    const anonymous = new Hongbao({ baseURL: server.baseURL, adapter: createTaroAdapter(taro) });
    const credentials = await anonymous.dev.merchants.create({ tier: 'enterprise', name: 'Taro 商户' });
    const merchant = anonymous.withOptions({ auth: { appId: credentials.appId, secret: credentials.secret } });
    await merchant.wallet.topup({ amount: 10_000 });
    const packet = await merchant.packets.create({ mode: 'fixed', total: 1_000, count: 10, message: '小程序' });
    const page = await merchant.packets.list({ role: 'sent', limit: 5 });
    expect(page.data[0].id).toBe(packet.id);

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `POST ${server.baseURL}/v1/dev/merchants`,
      `POST ${server.baseURL}/v1/wallet/topups`,
      `POST ${server.baseURL}/v1/packets`,
      `GET ${server.baseURL}/v1/packets?role=sent&limit=5`,
    ]);
    const create = calls[2];
    expect(JSON.parse(create.data as string)).toEqual({ mode: 'fixed', total: 1_000, count: 10, message: '小程序' });
    const header = Object.fromEntries(Object.entries(create.header).map(([name, value]) => [name.toLowerCase(), value]));
    expect(header).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': expect.any(String), authorization: expect.stringMatching(/^HB-HMAC-SHA256 appId=/), accept: 'application/json' });
    expect(create).toMatchObject({ dataType: 'text', responseType: 'text', timeout: 60_000 });
    expect(calls[3].data).toBeUndefined();
  });

  it('turns an error status into the typed SDK error', async () => {
    const { taro } = fakeTaro(async () => ({ statusCode: 409, data: { error: { code: 'PACKET_EXHAUSTED', message: '手慢了，红包派完了', requestId: 'req-7' } }, header: {} }));
    const client = new Hongbao({ baseURL: 'https://hb.example.com', auth: 'tok', adapter: createTaroAdapter(taro) });
    await expect(client.claims.create({ packetId: 'pk_1' })).rejects.toMatchObject({ constructor: ConflictError, code: 'PACKET_EXHAUSTED', requestId: 'req-7' });
  });

  it('rejects a status that validateStatus refuses with an AxiosError carrying the response, as axios adapters do', async () => {
    const { taro } = fakeTaro(async () => ({ statusCode: 404, data: '{"error":{}}', header: { 'Content-Type': 'application/json' } }));
    const error = await axios.get('https://hb.example.com/v1/x', { adapter: createTaroAdapter(taro) }).catch((e) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect(error.code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect(error.response.status).toBe(404);
  });

  it('reports a Taro timeout as a timeout and retries it', async () => {
    const { taro, calls } = fakeTaro(async () => Promise.reject({ errMsg: 'request:fail timeout' }));
    const client = new Hongbao({ baseURL: 'https://hb.example.com', adapter: createTaroAdapter(taro), maxRetries: 1, clock: new FakeClock() });
    await expect(client.keys.list()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(calls).toHaveLength(2);
  });

  it('aborts the Taro request task when the signal aborts', async () => {
    const { taro, aborts } = fakeTaro(() => new Promise<TaroRequestResult>(() => undefined));
    const controller = new AbortController();
    const client = new Hongbao({ baseURL: 'https://hb.example.com', adapter: createTaroAdapter(taro) });
    const pending = client.keys.list({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(aborts).toEqual([0]);
  });
});
