import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { applyPostgresSchema } from '@amato/ddl';
import { Dataset } from '@amato/generator';
import { MODEL_LOADERS, ModelRegistry, REVENUE_FORECAST_FORMAT } from '@amato/models';
import { PostgresService } from '@amato/postgres';
import { activateStreamModels, testConfig, uniqueName } from '@amato/testing';
import { createApi } from '../apps/api/src/main';
import { forecastArtifact } from '../libs/models/src/forecast/forecast-factory';

const SCHEMATHESIS = resolve('fuzz/.venv/bin/schemathesis');
const END = new Date('2026-01-01T00:00:00Z');

/** Runs a command to its end; its exit code and what it printed. */
function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      done({ code, output });
    });
  });
}

/**
 * Every HTTP endpoint fuzzed from the API's own OpenAPI document with schemathesis (in
 * fuzz/.venv): no answer is a 5xx, and every 4xx has a message that names the problem
 * (fuzz/hooks.py). And no endpoint but health and docs answers without a key.
 */
describe('the API under fuzzing', () => {
  const name = uniqueName('fuzz');
  const key = 'test-key-fuzz-0123456789';
  const config = testConfig({
    AMATO_KAFKA__TOPIC_PREFIX: name,
    AMATO_FEATURES__KEY_PREFIX: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_BATCH__ANALYTICS_SCHEMA: `a_${name}`,
  });
  const postgres = new PostgresService(config.postgres);
  let api: NestFastifyApplication;
  let url = '';

  beforeAll(async () => {
    if (!existsSync(SCHEMATHESIS)) {
      throw new Error(`no ${SCHEMATHESIS}: ./amato test creates it (fuzz/requirements.txt)`);
    }
    await postgres.connect();
    await applyPostgresSchema(postgres, name);
    // Models active, so their endpoints answer past "no active version".
    const registry = new ModelRegistry(postgres, name);
    const events = [...new Dataset({ seed: 5, scale: 0.01, end: END }).events()];
    await activateStreamModels(registry, events, END, { k: 3, seed: 2 });
    const forecast = await registry.register({
      name: 'revenue_forecast',
      format: REVENUE_FORECAST_FORMAT,
      artifact: Buffer.from(JSON.stringify(forecastArtifact(90))),
      metadata: {},
    });
    await registry.activate('revenue_forecast', forecast.version, MODEL_LOADERS.revenue_forecast);
    api = await createApi({ ...config, api: { ...config.api, apiKeys: [key] } });
    await api.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await api.close();
    await postgres.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await postgres.close();
  });

  it('answers no request with a 5xx, and every rejection says what is wrong', async () => {
    const { code, output } = await run(
      SCHEMATHESIS,
      [
        'run',
        `${url}/docs/openapi.json`,
        '--header',
        `X-API-Key: ${key}`,
        '--checks',
        'not_a_server_error,rejection_names_the_problem',
        '--max-examples',
        '25',
        // A stream that stays open: its parameters are tested in ops-api.e2e.
        '--exclude-path',
        '/predictions/live',
        '--request-timeout',
        '30',
        '--seed',
        '20261201',
        '--no-color',
      ],
      { SCHEMATHESIS_HOOKS: 'fuzz.hooks', PYTHONPATH: resolve('.') },
    );
    const tested = /(\d+) generated, (\d+) passed/.exec(output);
    if (code !== 0 || !tested)
      throw new Error(`schemathesis failed (exit ${code}):\n${output.slice(-6000)}`);
    expect(Number(tested[1])).toBeGreaterThan(1000);
    expect(tested[2]).toBe(tested[1]);
  }, 600_000);

  it('answers nothing but health and docs without a key', async () => {
    const doc = (await api.inject({ method: 'GET', url: '/docs/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const open: string[] = [];
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(operations.length).toBeGreaterThan(25);
    for (const { method, path } of operations) {
      const filled = path
        .replace('{customerId}', 'CUST_000001')
        .replace('{sessionId}', 'SESS_00000001')
        .replace('{testId}', 'TEST_0001')
        .replace('{name}', 'kmeans')
        .replace('{version}', '1');
      const r = await api.inject({
        method: method as 'GET' | 'POST',
        url: filled,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      if (r.statusCode !== 401) open.push(`${method} ${path}: ${r.statusCode}`);
    }
    expect(open).toEqual(['GET /health: 200']);
  });
});
