import { createPublicKey } from 'node:crypto';
import { createTestApp, type TestApp } from '../src/testing/harness';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

/** The value of one Prometheus sample line, or undefined when the series does not exist. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /healthz', () => {
  it('answers ok without a session', async () => {
    const res = await get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('fails with INTERNAL when the database cannot answer', async () => {
    await t.database.close();
    const res = await get('/healthz');
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toMatchObject({ code: 'INTERNAL', requestId: expect.any(String) });
  });
});

describe('GET /metrics', () => {
  it('counts requests by method, route pattern and status', async () => {
    await get('/healthz');
    await get('/healthz');
    await get('/v1/wallet');
    const text = (await get('/metrics')).body;
    expect(sample(text, 'hongbao_http_requests_total{method="GET",route="/healthz",status="200"}')).toBe(2);
    expect(sample(text, 'hongbao_http_requests_total{method="GET",route="/v1/wallet",status="401"}')).toBe(1);
  });

  it('labels by route pattern, so tokens and unknown URLs do not make new series', async () => {
    await get('/c/token-one');
    await get('/c/token-two');
    await get('/no/such/page-1');
    await get('/no/such/page-2');
    const text = (await get('/metrics')).body;
    const series = text.split('\n').filter((line) => line.startsWith('hongbao_http_requests_total{'));
    expect(series.filter((line) => line.includes('route="/c/:token"'))).toHaveLength(1);
    expect(sample(text, 'hongbao_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2);
    expect(text).not.toContain('token-one');
  });

  it('counts the store\'s transactions and COMMITs', async () => {
    const before = (await get('/metrics')).body;
    const { token } = await t.login('metrics-user');
    await t.topup(token, 100);
    const after = (await get('/metrics')).body;
    const transactions = sample(after, 'hongbao_db_transactions_total')! - sample(before, 'hongbao_db_transactions_total')!;
    expect(transactions).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'hongbao_db_commits_total')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'hongbao_db_commits_total')).toBeLessThanOrEqual(sample(after, 'hongbao_db_transactions_total')!);
    expect(sample(after, 'hongbao_db_retries_total')).toBeGreaterThanOrEqual(0);
  });

  it('records a latency histogram per route and the process metrics', async () => {
    await get('/healthz');
    const res = await get('/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(res.body, 'hongbao_http_request_duration_seconds_count{method="GET",route="/healthz"}')).toBe(1);
    expect(res.body).toContain('hongbao_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"}');
    expect(res.body).toContain('# TYPE process_cpu_user_seconds_total counter');
  });
});

describe('GET /v1/openapi.json', () => {
  it('documents the API paths and hides the health, metrics and web routes', async () => {
    const doc = (await get('/v1/openapi.json')).json();
    expect(doc.info.title).toBe('Hongbao API');
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/sessions', '/v1/me', '/v1/wallet/topups', '/v1/packets', '/v1/packets/{id}', '/v1/claims', '/v1/codes/resolve', '/v1/payments', '/v1/keys']));
    for (const hidden of ['/healthz', '/metrics', '/v1/openapi.json', '/', '/c/{token}']) expect(paths).not.toContain(hidden);
  });

  it('gives every operation a tag and a schema for each success and error status', async () => {
    const doc = (await get('/v1/openapi.json')).json();
    for (const [path, operations] of Object.entries<Record<string, { tags?: string[]; responses: Record<string, { content?: unknown }> }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, operation.tags?.length ?? 0]).not.toEqual([where, 0]);
        const statuses = Object.keys(operation.responses);
        expect([where, statuses.some((status) => status.startsWith('2'))]).toEqual([where, true]);
        for (const status of statuses) expect([where, status, operation.responses[status].content !== undefined]).toEqual([where, status, true]);
      }
    }
  });

  it('declares the session and merchant-signature security schemes', async () => {
    const doc = (await get('/v1/openapi.json')).json();
    expect(doc.components.securitySchemes).toMatchObject({ session: { type: 'http', scheme: 'bearer' }, merchant: { type: 'apiKey', in: 'header', name: 'Authorization' } });
  });
});

describe('GET /v1/keys', () => {
  it('publishes Ed25519 public keys that load as verification keys, without a session', async () => {
    const res = await get('/v1/keys');
    expect(res.statusCode).toBe(200);
    const { keys } = res.json();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toEqual({ kid: expect.any(Number), scheme: expect.any(String), publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
      expect(createPublicKey(key.publicKey).asymmetricKeyType).toBe('ed25519');
    }
  });
});
