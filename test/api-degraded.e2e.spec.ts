import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@amato/config';
import {
  contributionOf,
  type CustomerFeatures,
  deriveFeatures,
  FeatureStore,
} from '@amato/features';
import { Dataset } from '@amato/generator';
import { RedisService } from '@amato/redis';
import { closedPort, oracleAggregates, testConfig, uniqueName } from '@amato/testing';
import { createApi } from '../apps/api/src/main';

const apiKey = 'test-key-0123456789abcdef';
const headers = { 'x-api-key': apiKey };

interface HealthBody {
  status: string;
  dependencies: { name: string; status: string; error?: string }[];
}

async function startApi(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createApi({ ...config, api: { ...config.api, apiKeys: [apiKey] } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

function downNames(body: HealthBody): string[] {
  return body.dependencies
    .filter((d) => d.status === 'down')
    .map((d) => d.name)
    .sort();
}

describe('AMATO API with the stores it does not read from down', () => {
  let app: NestFastifyApplication;
  const config = testConfig();
  const keyPrefix = uniqueName('api_degraded');
  const end = new Date('2026-01-01T00:00:00Z');
  const events = [...new Dataset({ seed: 11, scale: 0.01, end }).events()];
  const oracle = oracleAggregates(events);

  beforeAll(async () => {
    const [mysql, postgres, mongo, trino] = await Promise.all([
      closedPort(),
      closedPort(),
      closedPort(),
      closedPort(),
    ]);
    app = await startApi({
      ...config,
      mysql: { ...config.mysql, port: mysql },
      postgres: { ...config.postgres, port: postgres },
      mongo: { ...config.mongo, port: mongo },
      trino: { ...config.trino, port: trino },
      features: { ...config.features, keyPrefix },
    });
    // The processor's writes, made directly: this test owns its key prefix.
    const store = app.get(FeatureStore);
    await store.loadScripts();
    for (let i = 0; i < events.length; i += 1000) {
      await store.apply(events.slice(i, i + 1000).map(contributionOf));
    }
  }, 30_000);

  afterAll(async () => {
    await app.close();
    const redis = await new RedisService(config.redis).connect();
    const keys = await redis.client.keys(`${keyPrefix}:*`);
    for (let i = 0; i < keys.length; i += 1000)
      await redis.client.unlink(...keys.slice(i, i + 1000));
    await redis.close();
  });

  it("serves a customer's features from Redis", async () => {
    const [customerId, expected] = [...oracle][0] ?? [];
    if (!customerId || !expected) throw new Error('no customer in the dataset');
    const response = await app.inject({
      method: 'GET',
      url: `/customers/${customerId}/features?as_of=${end.toISOString()}`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<CustomerFeatures>();
    expect({ ...body, updated_at: null }).toEqual({
      ...deriveFeatures(expected, end.getTime()),
      updated_at: null,
    });
  });

  it("serves a live session's journey from Redis", async () => {
    const view = events.find((e) => e.event_type === 'page.viewed');
    if (view?.event_type !== 'page.viewed') throw new Error('no page view in the dataset');
    const response = await app.inject({
      method: 'GET',
      url: `/sessions/${view.payload.session_id}/journey`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ session_id: view.payload.session_id });
  });

  it("answers a customer's sessions with 503 naming MongoDB, which holds them", async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/customers/CUST_000001/sessions',
      headers,
    });
    expect(response.statusCode).toBe(503);
    expect(response.json<{ message: string }>().message).toMatch(
      /^MongoDB at 127\.0\.0\.1:\d+ is unavailable: /,
    );
  }, 20_000);

  it('reports each store that is down as down at /health, and Redis and Kafka up', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    const body = response.json<HealthBody>();
    expect(body.status).toBe('degraded');
    expect(downNames(body)).toEqual(['mongo', 'mysql', 'postgres', 'trino']);
    for (const name of ['mongo', 'mysql', 'postgres', 'trino']) {
      expect(body.dependencies.find((d) => d.name === name)?.error).toEqual(expect.any(String));
    }
  }, 10_000);
});

describe('AMATO API with Redis down', () => {
  let app: NestFastifyApplication;
  let redisPort: number;

  beforeAll(async () => {
    const config = testConfig();
    redisPort = await closedPort();
    app = await startApi({ ...config, redis: { ...config.redis, port: redisPort } });
  }, 30_000);

  afterAll(() => app.close());

  const unavailable = () =>
    new RegExp(
      `^Redis at 127\\.0\\.0\\.1:${redisPort} is unavailable: .+\\(features are read from it: retry in a few seconds`,
    );

  it('answers a feature read with 503 and a message naming Redis and what to do', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/customers/CUST_000001/features',
      headers,
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(unavailable()),
    });
  }, 10_000);

  it('answers a journey read with 503 too', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/sessions/SESS_00000000/journey',
      headers,
    });
    expect(response.statusCode).toBe(503);
    expect(response.json<{ message: string }>().message).toMatch(unavailable());
  }, 10_000);

  it('still answers 400 for a malformed id, which needs no Redis', async () => {
    const response = await app.inject({ method: 'GET', url: '/customers/42/features', headers });
    expect(response.statusCode).toBe(400);
  });

  it('reports Redis, and only Redis, down at /health', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(downNames(response.json<HealthBody>())).toEqual(['redis']);
  }, 10_000);
});
