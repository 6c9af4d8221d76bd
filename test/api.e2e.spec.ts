import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisService } from '@amato/redis';
import { createApi } from '../apps/api/src/main';
import { testConfig } from './support/resources';

const root = resolve(__dirname, '..');

function runApi(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'apps/api/src/main.ts'],
    {
      cwd: root,
      env: { ...process.env, AMATO_LOG__LEVEL: 'silent', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stderr: result.stderr };
}

describe('AMATO API', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createApi(testConfig());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('describes itself at GET /', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
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
    await app.inject({ method: 'GET', url: '/' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
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
      expect.arrayContaining(['/', '/health']),
    );
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
