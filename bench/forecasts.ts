/**
 * The forecast and campaign endpoints as served, each beside a floor measured in the same run:
 *   - POST /forecast/revenue for 10,000 customers by id (the API reads each one's features from
 *     Redis, derives them and scores the customer revenue model in one ONNX run) against the
 *     bare Fastify floor (bench/support/floor-server.ts: parse the body, read the same 10,000
 *     hashes in one pipeline, answer zeros); and for 10,000 feature vectors against the floor
 *     parsing the same body; with the parts timed in this process (the Redis read, deriving the
 *     features, the ONNX run);
 *   - POST /campaign/optimize at a fixed rate (open loop) against the floor (parse, fixed
 *     answer) on the same client and schedule: p99 within 1.5× the floor is the target.
 * The models are the committed fixtures unless trained ones are given. A fixed CPU loop is
 * timed before and after: this VM's speed varies from minute to minute.
 *
 *   npx tsx bench/forecasts.ts [--rate 200] [--seconds 10]
 *                              [--customer-onnx F --customer-metadata F]
 *                              [--campaign-response F]
 *
 * Needs the stack (./amato stack up) for PostgreSQL (the registry) and Redis.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setLogLevel } from '@amato/common';
import { applyPostgresSchema } from '@amato/ddl';
import { contributionOf, deriveFeatures, FeatureStore } from '@amato/features';
import { Dataset } from '@amato/generator';
import {
  CAMPAIGN_OUTCOME_FORMAT,
  CAMPAIGN_RESPONSE_FORMAT,
  CUSTOMER_REVENUE_FORMAT,
  CustomerRevenueModel,
  MODEL_LOADERS,
  type ModelName,
  ModelRegistry,
} from '@amato/models';
import { PostgresService } from '@amato/postgres';
import { RedisService } from '@amato/redis';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { openLoopRequests } from './support/open-loop';
import { BENCH_API_KEY, sleep, startService, timedPost } from './support/services';
import { count, cpuCheckMs, percentile, printTable } from './support/report';

const CUSTOMER_FIXTURE = 'libs/models/src/customer-revenue/fixtures';
const CAMPAIGN_FIXTURE = 'libs/models/src/campaign/fixtures';
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    'customer-onnx': { type: 'string', default: `${CUSTOMER_FIXTURE}/customer-revenue.onnx` },
    'customer-metadata': { type: 'string', default: `${CUSTOMER_FIXTURE}/customer-revenue.json` },
    'campaign-response': { type: 'string', default: `${CAMPAIGN_FIXTURE}/campaign-response.json` },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npx tsx bench/forecasts.ts [--rate 200] [--seconds 10] [--customer-onnx F --customer-metadata F] [--campaign-response F]',
  );
  process.exit(0);
}
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const CUSTOMERS = 10_000;

async function waitUp(port: number, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`, { headers });
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`nothing answered on port ${port}`);
}

/** The median of `runs` timings of `f`, after one warm-up. */
async function medianMs(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

async function main(): Promise<void> {
  setLogLevel('error');
  const cpuBefore = cpuCheckMs();
  const config = testConfig();
  const schema = uniqueName('bench_forecasts');
  const postgres = await new PostgresService(config.postgres).connect();
  await applyPostgresSchema(postgres, schema);
  const registry = new ModelRegistry(postgres, schema);
  const register = async (name: ModelName, format: string, artifact: Buffer, model?: unknown) => {
    const v = await registry.register({ name, format, artifact, metadata: model ? { model } : {} });
    await registry.activate(name, v.version, MODEL_LOADERS[name]);
  };
  const customerMetadata = JSON.parse(readFileSync(values['customer-metadata'], 'utf8')) as unknown;
  const customerOnnx = readFileSync(values['customer-onnx']);
  await register('customer_revenue', CUSTOMER_REVENUE_FORMAT, customerOnnx, customerMetadata);
  await register(
    'campaign_response',
    CAMPAIGN_RESPONSE_FORMAT,
    readFileSync(values['campaign-response']),
  );
  await register(
    'campaign_outcome',
    CAMPAIGN_OUTCOME_FORMAT,
    readFileSync(`${CAMPAIGN_FIXTURE}/campaign-outcome.onnx`),
    JSON.parse(readFileSync(`${CAMPAIGN_FIXTURE}/campaign-outcome.json`, 'utf8')),
  );

  // 10,000 customers with their registrations and orders in Redis, under this run's prefix.
  const prefix = uniqueName('bench_forecasts');
  const redis = await new RedisService(config.redis).connect();
  const store = new FeatureStore(redis.client, {
    keyPrefix: prefix,
    dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
    sessionTtlSeconds: config.features.sessionTtlHours * 3600,
  });
  await store.loadScripts();
  const wanted = new Set(['customer.created', 'transaction.created']);
  const events = [
    ...new Dataset({ seed: 3, scale: CUSTOMERS / 10_000, end: new Date() }).events(),
  ].filter((e) => wanted.has(e.event_type));
  for (let i = 0; i < events.length; i += 2000) {
    await store.apply(events.slice(i, i + 2000).map(contributionOf));
  }
  const ids = [
    ...new Set(
      events
        .filter((e) => e.event_type === 'customer.created')
        .map((e) => (e.payload as { customer_id: string }).customer_id),
    ),
  ].slice(0, CUSTOMERS);

  // The parts, in this process.
  const model = await CustomerRevenueModel.load(new Uint8Array(customerOnnx), customerMetadata);
  const now = Date.now();
  const aggregates = await store.readMany(ids);
  const features = aggregates.flatMap((a) => (a ? [deriveFeatures(a, now)] : []));
  const readMs = await medianMs(5, () => store.readMany(ids));
  const deriveMs = await medianMs(5, () =>
    Promise.resolve(aggregates.map((a) => a && deriveFeatures(a, now))),
  );
  const scoreMs = await medianMs(5, () => model.predict(features));
  await model.release();

  const headers = { 'x-api-key': BENCH_API_KEY };
  const byId = JSON.stringify({ customer_ids: ids });
  const names = model.featureNames;
  const flat = (f: (typeof features)[number]) => {
    const groups: Record<string, Readonly<Record<string, number>>> = {
      windows: f.windows,
      device_mix: f.device_mix,
    };
    const row: Record<string, number> = {};
    for (const name of names) {
      const dot = name.indexOf('.');
      const source = dot < 0 ? f.features : groups[name.slice(0, dot)];
      const value = (source as Record<string, number | undefined> | undefined)?.[
        name.slice(dot + 1)
      ];
      row[name] = name === 'avg_order_value' ? f.avg_order_value : (value ?? NaN);
    }
    return row;
  };
  const byVector = JSON.stringify({ customers: features.map((f) => ({ features: flat(f) })) });
  const optimize = JSON.stringify({
    budget: 30_000,
    days: 14,
    channels: [
      { channel: 'email', max_spend: 4_000 },
      { channel: 'search', min_spend: 5_000 },
      { channel: 'social' },
    ],
  });
  const measure = async (port: number) => {
    await waitUp(port, headers);
    const ids10k = await timedPost(port, '/forecast/revenue', byId, headers);
    const vectors10k = await timedPost(port, '/forecast/revenue', byVector, headers);
    const run = (s: number) =>
      openLoopRequests({
        host: '127.0.0.1',
        port,
        rate,
        seconds: s,
        method: 'POST',
        headers,
        path: () => '/campaign/optimize',
        body: () => optimize,
      });
    await run(Math.min(3, seconds));
    const optimizeRun = await run(seconds);
    return { ids10k, vectors10k, optimizeRun };
  };

  const apiPort = await closedPort();
  const api = startService(
    'apps/api/src/main.ts',
    {
      AMATO_API__PORT: String(apiPort),
      AMATO_POSTGRES__SCHEMA: schema,
      AMATO_FEATURES__KEY_PREFIX: prefix,
    },
    [],
  );
  let viaApi;
  try {
    viaApi = await measure(apiPort);
  } finally {
    api.kill('SIGTERM');
  }
  const floorPort = await closedPort();
  const floorServer = startService('bench/support/floor-server.ts', {}, [
    '--port',
    String(floorPort),
    '--prefix',
    prefix,
  ]);
  let floor;
  try {
    floor = await measure(floorPort);
  } finally {
    floorServer.kill('SIGTERM');
  }
  const cpuAfter = cpuCheckMs();
  const stream = redis.client.scanStream({ match: `${prefix}:*`, count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>)
    if (keys.length > 0) await redis.client.unlink(...keys);
  await redis.close();
  await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await postgres.close();

  const mb = (xs: number[]) => `${percentile(xs, 50).toFixed(0)} / ${(xs[0] ?? 0).toFixed(0)}`;
  const p = (xs: number[]) => [50, 99, 99.9].map((q) => percentile(xs, q).toFixed(1)).join(' / ');
  const ratio =
    percentile(viaApi.optimizeRun.latencies, 99) / percentile(floor.optimizeRun.latencies, 99);
  printTable('forecasts and campaigns over HTTP', [
    [
      `POST /forecast/revenue, ${count(ids.length)} customer ids: API median / best (ms)`,
      mb(viaApi.ids10k),
    ],
    ['  floor (parse, one HGETALL pipeline, zeros): median / best (ms)', mb(floor.ids10k)],
    [
      '  API / floor, medians',
      (percentile(viaApi.ids10k, 50) / percentile(floor.ids10k, 50)).toFixed(2),
    ],
    [
      '  in process: readMany / deriveFeatures / ONNX predict (ms, medians)',
      `${readMs.toFixed(0)} / ${deriveMs.toFixed(0)} / ${scoreMs.toFixed(0)}`,
    ],
    [
      `POST /forecast/revenue, ${count(features.length)} feature vectors: API median / best (ms)`,
      mb(viaApi.vectors10k),
    ],
    ['  floor (parse, zeros): median / best (ms)', mb(floor.vectors10k)],
    [
      `POST /campaign/optimize at ${count(rate)} req/s, ${seconds} s: done / failed`,
      `${count(viaApi.optimizeRun.latencies.length)} / ${count(viaApi.optimizeRun.failures)}`,
    ],
    ['  API p50 / p99 / p99.9 (ms)', p(viaApi.optimizeRun.latencies)],
    [
      '  floor (bare Fastify, parse + fixed answer) p50 / p99 / p99.9 (ms)',
      p(floor.optimizeRun.latencies),
    ],
    ['  p99 API / floor (target ≤ 1.5)', ratio.toFixed(2)],
    [
      'CPU check, fixed loop before / after (ms)',
      `${cpuBefore.toFixed(0)} / ${cpuAfter.toFixed(0)}`,
    ],
  ]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
