import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  contributionOf,
  type CustomerFeatures,
  deriveFeatures,
  FeatureStore,
} from '@amato/features';
import { loadConfig } from '@amato/config';
import { Dataset } from '@amato/generator';
import { RedisService } from '@amato/redis';
import { createApi } from '../apps/api/src/main';
import { oracleAggregates, testConfig, uniqueName } from '@amato/testing';

const root = resolve(__dirname, '..');

function runApi(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'apps/api/src/main.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        AMATO_LOG__LEVEL: 'silent',
        AMATO_API__API_KEYS: 'startup-test-key-0123456789',
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stderr: result.stderr };
}

describe('AMATO API', () => {
  let app: NestFastifyApplication;
  const config = testConfig();
  const keyPrefix = uniqueName('api');
  const apiKey = 'test-key-0123456789abcdef';
  const headers = { 'x-api-key': apiKey };
  const events = [
    ...new Dataset({ seed: 8, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') }).events(),
  ];
  const oracle = oracleAggregates(events);

  beforeAll(async () => {
    app = await createApi({
      ...config,
      api: { ...config.api, apiKeys: [apiKey] },
      features: { ...config.features, keyPrefix },
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    // The processor's writes, made directly: this test owns its key prefix.
    const store = app.get(FeatureStore);
    await store.loadScripts();
    for (let i = 0; i < events.length; i += 1000) {
      await store.apply(events.slice(i, i + 1000).map(contributionOf));
    }
  });

  afterAll(async () => {
    await app.close();
    // A connection of its own: one test below takes the app's Redis connection down.
    const redis = await new RedisService(config.redis).connect();
    const keys = await redis.client.keys(`${keyPrefix}:*`);
    for (let i = 0; i < keys.length; i += 1000)
      await redis.client.unlink(...keys.slice(i, i + 1000));
    await redis.close();
  });

  it('describes itself at GET /', async () => {
    const response = await app.inject({ method: 'GET', url: '/', headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'AMATO API', docs: '/docs' });
  });

  it('reports every dependency up at GET /health', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      status: string;
      dependencies: { name: string; status: string }[];
    }>();
    expect(body.status).toBe('ok');
    expect(body.dependencies.map((d) => d.name).sort()).toEqual([
      'kafka',
      'mongo',
      'mysql',
      'postgres',
      'redis',
      'trino',
    ]);
  });

  it('serves Prometheus metrics, including HTTP latency by route', async () => {
    await app.inject({ method: 'GET', url: '/', headers });
    // Prometheus sends the key as a bearer token.
    const response = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(
      /amato_http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} \d+/,
    );
    expect(response.body).toContain('amato_process_cpu_seconds_total');
  });

  it('publishes its OpenAPI document at /docs/openapi.json', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json<{ paths: object }>().paths)).toEqual(
      expect.arrayContaining(['/', '/health', '/customers/{customerId}/features']),
    );
    const spec = response.json<{ components: { securitySchemes: object } }>();
    expect(spec.components.securitySchemes).toHaveProperty('api-key');
  });

  it('limits each key: beyond the limit a 429 with Retry-After, other keys and health unhurt', async () => {
    const other = 'test-key-other-0123456789';
    const limited = await createApi({
      ...config,
      api: {
        ...config.api,
        apiKeys: [apiKey, other],
        rateLimit: { requests: 3, windowMs: 60_000 },
      },
      features: { ...config.features, keyPrefix },
    });
    try {
      await limited.init();
      const get = (key?: string, url = '/') =>
        limited.inject({ method: 'GET', url, headers: key ? { 'x-api-key': key } : {} });
      for (let i = 0; i < 3; i++) expect((await get(apiKey)).statusCode).toBe(200);
      const refused = await get(apiKey);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json<{ message: string }>().message).toMatch(
        /^rate limit: at most 3 requests per 1 minute for this API key/,
      );
      // Another key has its own allowance; health checks are never limited.
      expect((await get(other)).statusCode).toBe(200);
      for (let i = 0; i < 5; i++)
        expect((await get(undefined, '/health')).statusCode).not.toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('refuses requests without a key, or with an unknown one, except health and docs', async () => {
    const none = await app.inject({ method: 'GET', url: '/customers/CUST_000001/features' });
    expect(none.statusCode).toBe(401);
    expect(none.json<{ message: string }>().message).toMatch(/missing API key.*X-API-Key/);
    const wrong = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-api-key': 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ message: string }>().message).toMatch(/unknown API key/);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/openapi.json' })).statusCode).toBe(200);
  });

  it("serves a customer's features, equal to a recomputation from the raw events", async () => {
    const asOf = '2026-01-01T00:00:00.000Z';
    expect(oracle.size).toBeGreaterThan(50);
    for (const [customerId, expected] of [...oracle].slice(0, 40)) {
      const response = await app.inject({
        method: 'GET',
        url: `/customers/${customerId}/features?as_of=${asOf}`,
        headers,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json<CustomerFeatures>();
      const want = deriveFeatures(expected, Date.parse(asOf));
      expect({ ...body, updated_at: null }).toEqual({ ...want, updated_at: null });
      expect(Object.keys(body.features)).toHaveLength(36);
      expect(body.updated_at).toEqual(expect.any(String));
    }
  });

  it('answers 404 for a customer the stream has not seen, and 400 for malformed input', async () => {
    const unknown = await app.inject({
      method: 'GET',
      url: '/customers/CUST_999999/features',
      headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ message: string }>().message).toContain('CUST_999999');
    const badId = await app.inject({ method: 'GET', url: '/customers/42/features', headers });
    expect(badId.statusCode).toBe(400);
    expect(badId.json<{ message: string }>().message).toBe(
      'customerId: expected a customer id like CUST_000001; got "42"',
    );
    const [customerId] = oracle.keys();
    const badTime = await app.inject({
      method: 'GET',
      url: `/customers/${customerId ?? ''}/features?as_of=yesterday`,
      headers,
    });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json<{ message: string }>().message).toMatch(/^as_of: expected an ISO 8601/);
  });

  it("serves a live session's journey", async () => {
    const view = events.find((e) => e.event_type === 'page.viewed');
    if (view?.event_type !== 'page.viewed') throw new Error('no page view in the dataset');
    const response = await app.inject({
      method: 'GET',
      url: `/sessions/${view.payload.session_id}/journey`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      session_id: view.payload.session_id,
      pages: expect.any(Number),
    });
    const unknown = await app.inject({
      method: 'GET',
      url: '/sessions/SESS_00000000/journey',
      headers,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 503 naming the dependency when one goes down', async () => {
    const redis = app.get(RedisService);
    redis.client.disconnect();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    const body = response.json<{
      status: string;
      dependencies: { name: string; status: string; error?: string }[];
    }>();
    expect(body.status).toBe('degraded');
    expect(body.dependencies.find((d) => d.name === 'redis')).toMatchObject({
      status: 'down',
      error: expect.any(String),
    });
    expect(body.dependencies.filter((d) => d.status === 'down')).toHaveLength(1);
  });
});

describe('AMATO API start-up errors', () => {
  it('stops with exit code 2 and names the key when a config value is bad', () => {
    const { status, stderr } = runApi({ AMATO_API__PORT: 'eighty' });
    expect(status).toBe(2);
    expect(stderr).toContain('api.port (from AMATO_API__PORT): expected integer, got "eighty"');
  }, 60_000);

  it('refuses to start without an API key, saying where to set one', () => {
    const { status, stderr } = runApi({ AMATO_API__API_KEYS: '' });
    expect(status).toBe(2);
    expect(stderr).toContain('api.apiKeys: no API key is set');
    expect(stderr).toContain('set AMATO_API__API_KEYS=key1,key2');
  }, 60_000);

  it('takes no key from the committed configuration', () => {
    const { api } = loadConfig({ configDir: resolve(root, 'config'), env: {} });
    expect(api.apiKeys).toEqual([]);
  });

  it('stops with a clear message naming the port and its holder when the port is taken', async () => {
    const server: Server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { status, stderr } = runApi({ AMATO_API__PORT: String(port) });
      expect(status).toBe(1);
      expect(stderr).toContain(
        `api.port ${port} on 127.0.0.1 is already in use (held by pid ${process.pid}`,
      );
      expect(stderr).toContain('set AMATO_API__PORT to a free port');
    } finally {
      server.close();
    }
  }, 60_000);
});
