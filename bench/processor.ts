/**
 * The feature processor on the real stack, in three parts:
 *   1. sustained: a generated dataset is published first, then the processor works off the
 *      backlog; events/s until the group has committed everything; beside it two floors on
 *      the same backlog: the same Kafka fetch and decode and nothing else, and the same updates
 *      (decoded beforehand) applied to Redis and nothing else;
 *   2. latency: events published at a fixed rate (by the generator, in its own process) while
 *      the processor runs; time from the producer's send (the record timestamp) to the
 *      features being in Redis, p50/p99;
 *   3. reads: GET /customers/:id/features on the real API (its own process) at a fixed
 *      request rate, after a warm-up of up to 3 s at that rate, p50/p99; then the same on a
 *      bare Fastify server that only does the HGETALL (bench/support/floor-server.ts): the
 *      least any HTTP read of Redis costs on this machine;
 *   4. scoring: the same backlog worked off twice more, on topics of their own, once with
 *      predictions off and once with a k-means and the journey model active (each customer's
 *      segment and each live session's probability scored and published as the batch lands):
 *      the target is events/s with scoring at least 85% of events/s without. Beside it, the
 *      floor of any scoring of the state a batch leaves, measured on the same backlog: the CPU
 *      of reading that state back with the apply (FeatureStore.apply with and without
 *      withStates) and of publishing as many predictions, of the same size, to Kafka.
 * A fixed CPU loop is timed before and after: this VM's speed varies from minute to minute.
 *
 *   npx tsx bench/processor.ts [--scale 0.2] [--rate 5000] [--seconds 20] [--reads 1000]
 *
 * Needs the stack (./amato stack up). Uses its own topics, group and key prefix, removed at
 * the end.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { setLogLevel } from '@amato/common';
import {
  type AmatoEvent,
  type JourneyPrediction,
  PREDICTION_PARTITIONS,
  PREDICTION_SCHEMA_VERSION,
  decodeEvent,
  predictionId,
} from '@amato/contracts';
import { loadConfig } from '@amato/config';
import { applyPostgresSchema } from '@amato/ddl';
import { Dataset, publish } from '@amato/generator';
import { contributionOf, FEATURE_STREAMS, onFeatureStream } from '@amato/features';
import { ModelRegistry } from '@amato/models';
import { PostgresService } from '@amato/postgres';
import { createStreamService, type StreamBatch } from '@amato/stream';
import {
  activateStreamModels,
  closedPort,
  ownStream,
  startService,
  testConfig,
  uniqueName,
  waitUntilCaughtUp,
} from '@amato/testing';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { processorService } from '../apps/processor/src/processor.service';
import { openLoopGets } from './support/open-loop';
import { count, cpuCheckMs, percentile, printTable } from './support/report';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.2' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
    reads: { type: 'string', default: '1000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npx tsx bench/processor.ts [--scale 0.2] [--rate 5000] [--seconds 20] [--reads 1000]\n' +
      '  --scale    dataset worked off as a backlog (0.01–10; 1 is the ~1.8M-event reference set)\n' +
      '  --rate     events/s published during the latency run\n' +
      '  --seconds  length of the latency run and of the read run\n' +
      '  --reads    requests/s of GET /customers/:id/features',
  );
  process.exit(0);
}
function number(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!(n >= min && n <= max)) {
    console.error(`--${name} must be between ${min} and ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}
const scale = number('scale', values.scale, 0.01, 10);
const rate = number('rate', values.rate, 1, 1_000_000);
const seconds = number('seconds', values.seconds, 1, 3600);
const reads = number('reads', values.reads, 1, 100_000);

const END = new Date('2026-01-01T00:00:00Z');

const readPercentiles = (sorted: readonly number[]) =>
  [50, 99, 99.9, 100].map((p) => percentile(sorted, p).toFixed(1)).join(' / ');

/** A journey prediction as the processor publishes it, for the publishing floor. */
const SAMPLE_PREDICTION: JourneyPrediction = {
  prediction_id: predictionId('sample'),
  schema_version: PREDICTION_SCHEMA_VERSION,
  prediction_type: 'journey',
  session_id: 'SESS_0000123456',
  customer_id: 'CUST_001234',
  model: 'journey',
  model_version: 1,
  conversion_probability: 0.12345678901234,
  pages: 5,
  depth: 5,
  last_page_type: 'product',
  ended: false,
  event_id: '3d3f4fa4-a654-4a6f-aaa9-b3e973fa64e0',
  event_time: '2025-12-28T20:37:57.925Z',
  predicted_at: '2026-12-01T14:12:55.749Z',
};

/**
 * `events` published to topics of their own and worked off by a processor in this process, with
 * predictions on and the models of `schema`, or off: events/s from its first batch.
 */
async function workOff(events: readonly AmatoEvent[], predictions: boolean, schema: string) {
  const world = ownStream(predictions ? 'bench_scored' : 'bench_unscored');
  const { name, topics, kafka } = world;
  await world.setUp();
  const groupId = `${name}.processor`;
  const feature = FEATURE_STREAMS.map((t) => topics[t]);
  try {
    await publish(events, topics, kafka, { batchSize: 5000 });
    const processor = await createStreamService(
      processorService,
      testConfig({
        AMATO_KAFKA__TOPIC_PREFIX: name,
        AMATO_FEATURES__KEY_PREFIX: name,
        AMATO_PROCESSOR__GROUP_ID: groupId,
        AMATO_PROCESSOR__PREDICTIONS: String(predictions),
        AMATO_POSTGRES__SCHEMA: schema,
      }),
    );
    let firstBatchAt: number | undefined;
    processor.useGlobalInterceptors({
      intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
        firstBatchAt ??= performance.now();
        return next.handle();
      },
    });
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    await processor.listen();
    await waitUntilCaughtUp(kafka, groupId, feature, 1_800_000);
    const workSeconds = (performance.now() - (firstBatchAt ?? started)) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    await processor.close();
    const records = async (topic: string) => kafka.topicRecordCount(topic).catch(() => 0);
    return {
      eventsPerSecond: events.length / workSeconds,
      // This process's CPU (the processor's, and the waiting for it), µs per event.
      cpuPerEvent: (cpu.user + cpu.system) / events.length,
      seconds: workSeconds,
      segments: predictions ? await records(`${name}.predictions.segments`) : 0,
      journeys: predictions ? await records(`${name}.predictions.journey`) : 0,
      predictionTopics: [`${name}.predictions.segments`, `${name}.predictions.journey`],
      sample: JSON.stringify(SAMPLE_PREDICTION),
      world,
    };
  } catch (error) {
    await world.tearDown();
    throw error;
  }
}

/**
 * Events/s of applying `events`' updates to Redis and nothing else: decoded and turned into
 * contributions beforehand, applied in batches of 2,000 (what one fetch of a partition brings
 * here), `concurrently` at once, as the processor's partitions are.
 */
async function redisOnlyFloor(events: readonly AmatoEvent[], concurrently: number) {
  const contributions = events.map(contributionOf);
  const world = ownStream('bench_floor_redis');
  await world.setUp();
  try {
    const batches: (typeof contributions)[] = [];
    for (let i = 0; i < contributions.length; i += 2000)
      batches.push(contributions.slice(i, i + 2000));
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrently }, async () => {
        for (let b = next++; b < batches.length; b = next++)
          await world.store.apply(batches[b] ?? [], Date.now());
      }),
    );
    return events.length / ((performance.now() - started) / 1000);
  } finally {
    await world.tearDown();
  }
}

/**
 * What scoring must cost at least, in µs of CPU per event: reading back the state the batches
 * leave (the same applies with and without the read) and publishing `predictions` records like
 * `sample` in sends of 500.
 */
async function scoringFloors(events: readonly AmatoEvent[], predictions: number, sample: string) {
  const contributions = events.map(contributionOf);
  const cpuPerEvent = async (work: () => Promise<unknown>) => {
    const start = process.cpuUsage();
    await work();
    const cpu = process.cpuUsage(start);
    return (cpu.user + cpu.system) / events.length;
  };
  const applyAll = async (withStates: boolean) => {
    const world = ownStream('bench_floor');
    await world.setUp();
    try {
      return await cpuPerEvent(async () => {
        for (let i = 0; i < contributions.length; i += 5000)
          await world.store.apply(contributions.slice(i, i + 5000), Date.now(), { withStates });
      });
    } finally {
      await world.tearDown();
    }
  };
  // In the order plain, with, with, plain, averaged: the first pass also warms the code up, and
  // the machine's speed drifts, so a single pass of each favours the second.
  const passes = [
    await applyAll(false),
    await applyAll(true),
    await applyAll(true),
    await applyAll(false),
  ];
  const plain = ((passes[0] ?? 0) + (passes[3] ?? 0)) / 2;
  const withStates = ((passes[1] ?? 0) + (passes[2] ?? 0)) / 2;
  const world = ownStream('bench_floor_pub');
  await world.setUp();
  const topic = `${world.name}.predictions`;
  try {
    await world.kafka.ensureTopics([{ topic, partitions: PREDICTION_PARTITIONS }]);
    const publishing = await cpuPerEvent(async () => {
      for (let sent = 0; sent < predictions; sent += 500) {
        const n = Math.min(500, predictions - sent);
        const records = Array.from({ length: n }, (_, i) => ({
          key: `SESS_${sent + i}`,
          value: sample,
          headers: { prediction_id: predictionId('floor', sent + i) },
        }));
        await world.kafka.sendBatch([{ topic, records }]);
      }
    });
    return { readBack: withStates - plain, publishing };
  } finally {
    await world.kafka.deleteTopics([topic]).catch(() => undefined);
    await world.tearDown();
  }
}

async function main(): Promise<void> {
  setLogLevel('error');
  const cpuBefore = cpuCheckMs();
  const config = loadConfig({ configDir: resolve(__dirname, '../config') });
  const world = ownStream('bench_proc');
  const { name, topics, kafka } = world;
  await world.setUp();
  const groupId = `${name}.processor`;
  const feature = FEATURE_STREAMS.map((s) => topics[s]);
  // The processor service as it runs (transport, runner, handler, interceptors), in this process.
  const processor = await createStreamService(
    processorService,
    testConfig({
      AMATO_KAFKA__TOPIC_PREFIX: name,
      AMATO_FEATURES__KEY_PREFIX: name,
      AMATO_PROCESSOR__GROUP_ID: groupId,
    }),
  );

  // 1. Sustained: a backlog worked off from the start.
  const backlog = new Dataset({ seed: 42, scale, end: END });
  // The customers seen on the way are the ones the read run asks for.
  const seen = new Set<string>();
  function* noting(events: Iterable<AmatoEvent>) {
    for (const e of events) {
      if (e.event_type === 'customer.created') seen.add(e.payload.customer_id);
      yield e;
    }
  }
  const published = await publish(noting(backlog.events()), topics, kafka, { batchSize: 5000 });
  const backlogEvents = (await Promise.all(feature.map((t) => kafka.topicRecordCount(t)))).reduce(
    (a, b) => a + b,
    0,
  );
  // Recorded during the latency run only.
  const latency = { on: false, ms: [] as number[] };
  let firstBatchAt: number | undefined;
  /** Notes when handling began and, during the latency run, each record's send → Redis time. */
  class Probe implements NestInterceptor {
    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      firstBatchAt ??= performance.now();
      const batch = context.switchToRpc().getData<StreamBatch>();
      return next.handle().pipe(
        tap(() => {
          if (!latency.on) return;
          const now = Date.now();
          for (const r of batch.records) latency.ms.push(now - Number(r.record.timestamp));
        }),
      );
    }
  }
  processor.useGlobalInterceptors(new Probe());
  const started = performance.now();
  await processor.listen();
  await waitUntilCaughtUp(kafka, groupId, feature, 1_800_000);
  // From the first batch on: joining the group (a few seconds) is not processing.
  const sustainedSeconds = (performance.now() - (firstBatchAt ?? started)) / 1000;

  // 1b. The floors of the sustained rate, on the same backlog: the same Kafka fetch (a group of
  // its own, as many partitions at once, the same commits) and decode, and nothing else; and the
  // same updates, decoded beforehand, applied to Redis (a key prefix of its own, batches of the
  // size the processor's fetches bring, as many at once) and nothing else.
  const decodeGroup = `${name}.floor-decode`;
  let decodeFirstAt: number | undefined;
  const decoder = kafka.createBatchConsumer({
    groupId: decodeGroup,
    topics: feature,
    partitionsConsumedConcurrently: config.processor.partitionsConcurrently,
    handler: (batch) => {
      decodeFirstAt ??= performance.now();
      for (const r of batch.records) decodeEvent(r.value);
      return Promise.resolve();
    },
  });
  const decodeStarted = performance.now();
  await decoder.start();
  await waitUntilCaughtUp(kafka, decodeGroup, feature, 1_800_000);
  const decodeSeconds = (performance.now() - (decodeFirstAt ?? decodeStarted)) / 1000;
  await decoder.stop();
  const redisFloor = await redisOnlyFloor(
    [...backlog.events()].filter(onFeatureStream),
    config.processor.partitionsConcurrently,
  );

  // 2. Latency at a fixed rate: fresh events (another seed), so none is a duplicate, sent by
  // the generator in a process of its own (producers are other programs), in small, frequent
  // requests (every 10 ms) as many independent producers would make them.
  latency.on = true;
  const generator = startService(
    'apps/generator/src/main.ts',
    { AMATO_KAFKA__TOPIC_PREFIX: name },
    [
      '--seed',
      '43',
      '--scale',
      String(Math.min(10, Math.max(0.01, (rate * seconds) / 1.8e6))),
      '--end',
      END.toISOString().slice(0, 10),
      '--rate',
      String(rate),
      '--batch',
      String(Math.max(1, Math.ceil(rate / 100))),
    ],
  );
  const exitCode = await new Promise<number | null>((done) => generator.on('exit', done));
  if (exitCode !== 0) throw new Error(`the generator exited with ${String(exitCode)}`);
  await waitUntilCaughtUp(kafka, groupId, feature, 600_000);
  const sorted = latency.ms.sort((a, b) => a - b);
  await processor.close();

  // 3. Feature reads through the real API, in a process of its own (as it runs in production),
  // then through a bare Fastify server doing only the HGETALL (the floor: what any HTTP read
  // of Redis costs on this machine, with the same client and schedule).
  const customers = [...seen];
  // No key is committed in the config: the API process of this run gets one of its own.
  const apiKey = `bench-${uniqueName('key')}`;
  const measureReads = async (
    entry: string,
    env: Readonly<Record<string, string>>,
    args: readonly string[],
    port: number,
  ) => {
    const server = startService(entry, { AMATO_API__API_KEYS: apiKey, ...env }, args);
    try {
      const headers = { 'x-api-key': apiKey };
      const probe = `http://127.0.0.1:${port}/customers/${customers[0] ?? 'CUST_000001'}/features`;
      for (let tries = 0; ; tries++) {
        const up = await fetch(probe, { headers }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (up) break;
        if (tries > 300) throw new Error(`${entry} did not answer within 60 s`);
        await sleep(200);
      }
      const readRun = (runSeconds: number) =>
        openLoopGets({
          host: '127.0.0.1',
          port,
          rate: reads,
          seconds: runSeconds,
          headers,
          path: () =>
            `/customers/${customers[Math.floor(Math.random() * customers.length)] ?? ''}/features`,
        });
      // A fresh process compiles its hot paths during its first requests: warm up, then measure.
      await readRun(Math.min(3, seconds));
      return await readRun(seconds);
    } finally {
      server.kill('SIGTERM');
    }
  };
  const apiPort = await closedPort();
  const reading = await measureReads(
    'apps/api/src/main.ts',
    { AMATO_API__PORT: String(apiPort), AMATO_FEATURES__KEY_PREFIX: name },
    [],
    apiPort,
  );
  const floorPort = await closedPort();
  const floor = await measureReads(
    'bench/support/floor-server.ts',
    {},
    ['--port', String(floorPort), '--prefix', name],
    floorPort,
  );
  await world.tearDown();

  // 4. Scoring: the same backlog without and with the models, each on topics of its own.
  const cpuMiddle = cpuCheckMs();
  const events = [...new Dataset({ seed: 42, scale, end: END }).events()];
  const postgres = await new PostgresService(config.postgres).connect();
  const modelSchema = uniqueName('bench_proc_models');
  await applyPostgresSchema(postgres, modelSchema);
  await activateStreamModels(new ModelRegistry(postgres, modelSchema), events, END, {
    k: 5,
    seed: 1,
  });
  const runs = [];
  try {
    runs.push(await workOff(events, false, modelSchema));
    runs.push(await workOff(events, true, modelSchema));
  } finally {
    for (const r of runs) {
      if (r.segments + r.journeys > 0)
        await r.world.kafka.deleteTopics(r.predictionTopics).catch(() => undefined);
      await r.world.tearDown();
    }
    await postgres.query(`DROP SCHEMA IF EXISTS ${modelSchema} CASCADE`);
    await postgres.close();
  }
  const [unscored, scored] = runs;
  if (!unscored || !scored) throw new Error('a scoring run did not finish');
  const floors = await scoringFloors(events, scored.segments + scored.journeys, scored.sample);
  // The least scoring can add to the processor's CPU per event, and the ratio it leaves.
  const floorCpu = unscored.cpuPerEvent + floors.readBack + floors.publishing;
  const cpuAfter = cpuCheckMs();

  printTable('processor: Kafka → features in Redis → API', [
    [
      'backlog: events (dataset scale)',
      `${count(backlogEvents)} (${scale}, ${count(published.published)} published)`,
    ],
    ['sustained events/s (from the first batch)', count(backlogEvents / sustainedSeconds)],
    ['backlog worked off in (s)', sustainedSeconds.toFixed(1)],
    [
      '  floor, Kafka fetch + decode only: events/s (processor / floor)',
      `${count(backlogEvents / decodeSeconds)} (${(decodeSeconds / sustainedSeconds).toFixed(2)})`,
    ],
    [
      '  floor, pre-decoded updates to Redis only: events/s (processor / floor)',
      `${count(redisFloor)} (${(backlogEvents / sustainedSeconds / redisFloor).toFixed(2)})`,
    ],
    [`latency run: events at ${count(rate)}/s`, count(sorted.length)],
    [
      'send → Redis p50 / p95 / p99 / max (ms)',
      [50, 95, 99, 100].map((p) => percentile(sorted, p).toFixed(0)).join(' / '),
    ],
    [
      `reads at ${count(reads)} req/s (open loop): done / failed`,
      `${count(reading.latencies.length)} / ${count(reading.failures)}`,
    ],
    ['reads req/s achieved', count(reading.latencies.length / reading.seconds)],
    ['read latency p50 / p99 / p99.9 / max (ms)', readPercentiles(reading.latencies)],
    ['  of which the client sent late (ms)', readPercentiles(reading.lateness)],
    [
      'floor, bare Fastify + HGETALL: done / failed',
      `${count(floor.latencies.length)} / ${count(floor.failures)}`,
    ],
    ['floor latency p50 / p99 / p99.9 / max (ms)', readPercentiles(floor.latencies)],
    ['  of which the client sent late (ms)', readPercentiles(floor.lateness)],
    [
      `scoring: the backlog again (${count(events.length)} events), predictions off: events/s`,
      count(unscored.eventsPerSecond),
    ],
    [
      '  k-means and journey model active: events/s',
      `${count(scored.eventsPerSecond)} (${count(scored.segments)} segment, ${count(scored.journeys)} journey predictions)`,
    ],
    [
      '  CPU of the processor per event, without / with scoring (µs)',
      `${unscored.cpuPerEvent.toFixed(1)} / ${scored.cpuPerEvent.toFixed(1)}`,
    ],
    [
      '  with / without scoring (target ≥ 0.85)',
      (scored.eventsPerSecond / unscored.eventsPerSecond).toFixed(2),
    ],
    [
      '  floor: reading back the state batches leave / publishing the predictions (µs CPU per event)',
      `${floors.readBack.toFixed(1)} / ${floors.publishing.toFixed(1)}`,
    ],
    [
      '  best with / without any scoring of that state can reach here (CPU without / floor CPU)',
      (unscored.cpuPerEvent / floorCpu).toFixed(2),
    ],
    ['  scoring CPU beyond the floor (µs per event)', (scored.cpuPerEvent - floorCpu).toFixed(1)],
    [
      'CPU check, fixed loop before / before scoring / after (ms)',
      `${cpuBefore.toFixed(0)} / ${cpuMiddle.toFixed(0)} / ${cpuAfter.toFixed(0)}`,
    ],
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
