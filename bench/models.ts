/**
 * The models as served, each beside a floor measured in the same run:
 *   - POST /segment/customer at a fixed rate (open loop) through the API, with k-means active,
 *     against the bare Fastify floor (bench/support/floor-server.ts: parse the body, answer a
 *     fixed segment) on the same client and schedule: the target is p99 within 1.5× the floor;
 *   - POST /segment/batch of 10,000 customers through the API, against the same body posted to
 *     the floor: the target is under 200 ms;
 *   - POST /segment/batch of 10,000 customers by HDBSCAN (an artifact of the 36 features given
 *     with --hdbscan, else the main registry's active version; left out when there is neither:
 *     the committed fixture reads 6 features, which serving refuses), and
 *     POST /segment/customer's p99 while it runs (the batch yields
 *     between slices, so single requests keep being answered) against its p99 without it;
 *   - the journey model's ONNX scoring per live-session update, in batches of 1, 100 and 1,000
 *     (the committed fixture model and, when given, a trained one).
 * A fixed CPU loop is timed before and after: this VM's speed varies from minute to minute.
 *
 *   npx tsx bench/models.ts [--rate 1000] [--seconds 10] [--hdbscan F]
 *                           [--journey-onnx F --journey-metadata F]
 *
 * Needs the stack (./amato stack up) for PostgreSQL (the registry) and Redis.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setLogLevel } from '@amato/common';
import { applyPostgresSchema } from '@amato/ddl';
import {
  HdbscanModel,
  JourneyModel,
  KmeansModel,
  MODEL_LOADERS,
  ModelRegistry,
  SEGMENTATION_FEATURES,
  trainKmeans,
} from '@amato/models';
import { PostgresService } from '@amato/postgres';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { openLoopRequests } from './support/open-loop';
import { BENCH_API_KEY, sleep, startService, timedPost } from './support/services';
import { count, cpuCheckMs, percentile, printTable } from './support/report';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    hdbscan: { type: 'string' },
    'journey-onnx': { type: 'string' },
    'journey-metadata': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npx tsx bench/models.ts [--rate 1000] [--seconds 10] [--hdbscan F] [--journey-onnx F --journey-metadata F]',
  );
  process.exit(0);
}
const rate = Number(values.rate);
const seconds = Number(values.seconds);

/** Customers in three groups: what k-means is trained on and what the requests carry. */
function vectors(n: number): number[][] {
  let state = 11;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: n }, (_, i) =>
    SEGMENTATION_FEATURES.map((_, j) => (i % 3) * 10 + j + noise()),
  );
}
const asObject = (v: readonly number[]) =>
  Object.fromEntries(SEGMENTATION_FEATURES.map((name, j) => [name, v[j] ?? 0]));

async function waitUp(port: number, headers: Record<string, string>): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    const up = await fetch(`http://127.0.0.1:${port}/segment/customer`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ features: asObject(vectors(1)[0] ?? []) }),
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    await sleep(200);
  }
  throw new Error(`nothing answered on ${port} within 60 s`);
}

async function journeyTimings(model: JourneyModel): Promise<string[]> {
  const state = {
    pages: 4,
    depth: 4,
    time_on_site_seconds: 180,
    cart_adds: 1,
    purchases: 0,
    searches: 1,
    last_page_type: 'product',
  };
  const rows: string[] = [];
  for (const batch of [1, 100, 1000]) {
    const states = Array.from({ length: batch }, (_, i) => ({ ...state, pages: 1 + (i % 20) }));
    for (let i = 0; i < 20; i++) await model.score(states);
    const runs = Math.max(20, Math.round(20_000 / batch));
    const t = performance.now();
    for (let i = 0; i < runs; i++) await model.score(states);
    rows.push((((performance.now() - t) * 1000) / (runs * batch)).toFixed(1));
  }
  return rows;
}

async function main(): Promise<void> {
  setLogLevel('error');
  const cpuBefore = cpuCheckMs();
  const config = testConfig();
  const schema = uniqueName('bench_models');
  const postgres = await new PostgresService(config.postgres).connect();
  await applyPostgresSchema(postgres, schema);
  const registry = new ModelRegistry(postgres, schema);
  const { artifact } = trainKmeans(SEGMENTATION_FEATURES, vectors(3000), {
    ks: [5],
    seed: 1,
    refits: 1,
  });
  const v = await registry.register({
    name: 'kmeans',
    format: artifact.format,
    artifact: Buffer.from(JSON.stringify(artifact)),
    metadata: {},
  });
  await registry.activate('kmeans', v.version, () =>
    KmeansModel.fromArtifact(artifact, SEGMENTATION_FEATURES),
  );

  // HDBSCAN on the 36 features: the file given, or the main registry's active version (what
  // ./amato train made); without either its rows are left out and say why.
  const hdbscanBytes = values.hdbscan
    ? readFileSync(values.hdbscan)
    : (
        await new ModelRegistry(postgres, config.postgres.schema)
          .active('hdbscan')
          .catch(() => undefined)
      )?.artifact;
  let hdbscanPoints = 0;
  if (hdbscanBytes) {
    hdbscanPoints = HdbscanModel.fromArtifact(
      JSON.parse(hdbscanBytes.toString('utf8')),
    ).trainingSize;
    const h = await registry.register({
      name: 'hdbscan',
      format: 'amato.hdbscan.v1',
      artifact: hdbscanBytes,
      metadata: {},
    });
    await registry.activate('hdbscan', h.version, MODEL_LOADERS.hdbscan);
  }

  const headers = { 'x-api-key': BENCH_API_KEY };
  const one = vectors(500).map((x) => JSON.stringify({ features: asObject(x) }));
  const customers = vectors(10_000).map((x) => ({ features: asObject(x) }));
  const batch = JSON.stringify({ customers });
  const hdbscanBatch = JSON.stringify({ customers, model_type: 'hdbscan' });
  const measure = async (port: number) => {
    await waitUp(port, headers);
    const run = (s: number) =>
      openLoopRequests({
        host: '127.0.0.1',
        port,
        rate,
        seconds: s,
        method: 'POST',
        headers,
        path: () => '/segment/customer',
        body: () => one[Math.floor(Math.random() * one.length)] ?? '{}',
      });
    await run(Math.min(3, seconds));
    const single = await run(seconds);
    const batchTimes = await timedPost(port, '/segment/batch', batch, headers);
    return { single, batchTimes, run };
  };
  /** One HDBSCAN batch through the API, with single requests at the same rate meanwhile. */
  const duringHdbscan = async (
    port: number,
    run: (s: number) => ReturnType<typeof openLoopRequests>,
  ) => {
    const started = performance.now();
    let batchMs = 0;
    const posted = timedPost(port, '/segment/batch', hdbscanBatch, headers, 1, 0).then((times) => {
      batchMs = times[0] ?? 0;
    });
    const singles: Awaited<ReturnType<typeof openLoopRequests>>['latencies'] = [];
    let failures = 0;
    // Whole-second runs until the batch has answered.
    while (batchMs === 0) {
      const r = await run(1);
      singles.push(...r.latencies);
      failures += r.failures;
    }
    await posted;
    return { batchMs, singles, failures, wallMs: performance.now() - started };
  };

  const apiPort = await closedPort();
  const api = startService(
    'apps/api/src/main.ts',
    { AMATO_API__PORT: String(apiPort), AMATO_POSTGRES__SCHEMA: schema },
    [],
  );
  let viaApi;
  let hdbscan;
  try {
    viaApi = await measure(apiPort);
    hdbscan = hdbscanBytes ? await duringHdbscan(apiPort, viaApi.run) : undefined;
  } finally {
    api.kill('SIGTERM');
  }
  const floorPort = await closedPort();
  const floorServer = startService('bench/support/floor-server.ts', {}, [
    '--port',
    String(floorPort),
    '--prefix',
    schema,
  ]);
  let floor;
  try {
    floor = await measure(floorPort);
  } finally {
    floorServer.kill('SIGTERM');
  }

  const fixture = await JourneyModel.load(
    new Uint8Array(readFileSync('libs/models/src/journey/fixtures/journey.onnx')),
    JSON.parse(readFileSync('libs/models/src/journey/fixtures/journey.json', 'utf8')),
  );
  const fixtureTimes = await journeyTimings(fixture);
  let trainedTimes: string[] | undefined;
  if (values['journey-onnx'] && values['journey-metadata']) {
    const trained = await JourneyModel.load(
      new Uint8Array(readFileSync(values['journey-onnx'])),
      JSON.parse(readFileSync(values['journey-metadata'], 'utf8')),
    );
    trainedTimes = await journeyTimings(trained);
  }
  const cpuAfter = cpuCheckMs();
  await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await postgres.close();

  const p = (xs: number[]) => [50, 99, 99.9].map((q) => percentile(xs, q).toFixed(1)).join(' / ');
  const ratio = percentile(viaApi.single.latencies, 99) / percentile(floor.single.latencies, 99);
  printTable('models: segmentation over HTTP, journey scoring', [
    [
      `POST /segment/customer at ${count(rate)} req/s, ${seconds} s: done / failed`,
      `${count(viaApi.single.latencies.length)} / ${count(viaApi.single.failures)}`,
    ],
    ['  API p50 / p99 / p99.9 (ms)', p(viaApi.single.latencies)],
    [
      '  floor (bare Fastify, parse + fixed answer) p50 / p99 / p99.9 (ms)',
      p(floor.single.latencies),
    ],
    ['  floor failed', count(floor.single.failures)],
    ['  p99 API / floor (target ≤ 1.5)', ratio.toFixed(2)],
    [
      '  of which the client sent late, API p99 (ms)',
      percentile(viaApi.single.lateness, 99).toFixed(1),
    ],
    [
      'POST /segment/batch, 10,000 customers: API median / best (ms, target < 200)',
      `${percentile(viaApi.batchTimes, 50).toFixed(0)} / ${(viaApi.batchTimes[0] ?? 0).toFixed(0)}`,
    ],
    [
      '  floor, same body: median / best (ms)',
      `${percentile(floor.batchTimes, 50).toFixed(0)} / ${(floor.batchTimes[0] ?? 0).toFixed(0)}`,
    ],
    ...(hdbscan
      ? ([
          [
            `POST /segment/batch, 10,000 customers by HDBSCAN (${count(hdbscanPoints)} training points): API (ms)`,
            hdbscan.batchMs.toFixed(0),
          ],
          [
            '  meanwhile POST /segment/customer p50 / p99 / p99.9 (ms), failed',
            `${p(hdbscan.singles)}, ${count(hdbscan.failures)}`,
          ],
          [
            '  p99 meanwhile / p99 without it',
            (percentile(hdbscan.singles, 99) / percentile(viaApi.single.latencies, 99)).toFixed(2),
          ],
        ] as [string, string][])
      : ([
          [
            'POST /segment/batch by HDBSCAN',
            'not measured: no --hdbscan artifact and no active hdbscan version (./amato train makes one)',
          ],
        ] as [string, string][])),
    ['journey ONNX, fixture model: µs per state, batch 1 / 100 / 1,000', fixtureTimes.join(' / ')],
    ...(trainedTimes
      ? [
          [
            'journey ONNX, trained model: µs per state, batch 1 / 100 / 1,000',
            trainedTimes.join(' / '),
          ] as [string, string],
        ]
      : []),
    [
      'CPU check, fixed loop before / after (ms)',
      `${cpuBefore.toFixed(0)} / ${cpuAfter.toFixed(0)}`,
    ],
  ]);
  await fixture.release();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
