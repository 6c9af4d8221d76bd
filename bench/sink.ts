/**
 * Generate and publish a dataset to scratch topics, then start the sink on that backlog and
 * time until every table and collection of the scratch databases holds exactly its rows.
 * Prints publish and landing times and rows/s per store; then, as the floor, loads the same rows
 * (read back from the stores) into empty copies of the tables with each store's own bulk path
 * (LOAD DATA LOCAL INFILE, COPY, insertMany) and prints the sink's rows/s beside the bulk load's.
 *
 *   npx tsx bench/sink.ts [--scale 0.2] [--no-floor]   (--scale 1: the reference set, ~1.8M events)
 *
 * Needs the stack (./amato stack up). Drops its topics and databases at the end.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { setLogLevel } from '@amato/common';
import { loadConfig } from '@amato/config';
import { Dataset, publish } from '@amato/generator';
import {
  MONGO_COLLECTIONS,
  MYSQL_TABLES,
  POSTGRES_TABLES,
  Sink,
  sinkGroups,
  storeCounts,
} from '@amato/sink';
import { StreamRunner } from '@amato/stream';
import { ownWorld } from '@amato/testing';
import { bulkLoadMongo, bulkLoadMysql, bulkLoadPostgres } from './support/bulk-load';
import { count, printTable } from './support/report';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.2' },
    'no-floor': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/sink.ts [--scale X] [--no-floor]');
  process.exit(0);
}
const scale = Number(values.scale);
if (!(scale >= 0.01 && scale <= 10)) {
  console.error(`--scale must be between 0.01 and 10, got "${values.scale}"`);
  process.exit(2);
}

async function main(): Promise<void> {
  setLogLevel('error');
  const config = loadConfig({ configDir: resolve(__dirname, '../config') });
  // Scratch topics, databases and schemas of its own, dropped at the end.
  const world = ownWorld('bench_sink');
  const { name, topics, targets, kafka, mysql, postgres, mongo, stores } = world;
  await world.setUp();

  const dataset = new Dataset({ seed: 42, scale, end: new Date('2026-01-01T00:00:00Z') });
  const expected = dataset.expected as unknown as Record<string, number>;
  const sink = new Sink(mysql, postgres, mongo, {
    targets,
    parentWaitMs: config.sink.parentWaitMs,
  });
  let firstBatchAt: number | undefined;
  const runner = new StreamRunner(
    kafka,
    {
      service: 'sink',
      topics,
      groups: sinkGroups(`${name}.sink`),
      partitionsConcurrently: config.sink.partitionsConcurrently,
    },
    // Notes the first batch: joining the groups (a few seconds) is not sinking.
    () => (batch) => {
      firstBatchAt ??= performance.now();
      return sink.handle(batch);
    },
  );
  // The whole data set waits in Kafka first: the sink then works off a backlog, so each
  // store's rate is the sink's, not the publisher's (the events come in event-time order).
  const { published, seconds: publishSeconds } = await publish(dataset.events(), topics, kafka, {
    batchSize: 5000,
  });
  const started = performance.now();
  await runner.start();
  const landedAt: Record<string, number> = {};
  for (;;) {
    // Under load the local MongoDB wire server answers slowly; a late count is retried.
    const counts = await storeCounts(stores, targets).catch(() => undefined);
    if (!counts) continue;
    const now = (performance.now() - (firstBatchAt ?? started)) / 1000;
    for (const [table, n] of Object.entries(expected))
      if (counts[table] === n && landedAt[table] === undefined) landedAt[table] = now;
    if (process.stderr.isTTY) {
      const landed = Object.values(counts).reduce((a, b) => a + b, 0);
      process.stderr.write(
        `\r${landed.toLocaleString('en')} rows landed after ${now.toFixed(0)} s`,
      );
    }
    if (Object.keys(expected).every((t) => landedAt[t] !== undefined)) break;
    if (now > 1800) throw new Error(`not landed after 30 minutes: ${JSON.stringify(counts)}`);
    await sleep(500);
  }
  const total = (performance.now() - (firstBatchAt ?? started)) / 1000;
  if (process.stderr.isTTY) process.stderr.write('\n');
  await runner.stop();

  const rowsOf = (tables: readonly string[]) => tables.reduce((n, t) => n + (expected[t] ?? 0), 0);
  const doneOf = (tables: readonly string[]) => Math.max(...tables.map((t) => landedAt[t] ?? 0));
  const rows: [string, string][] = [
    ['scale / events published', `${scale} / ${published.toLocaleString('en')}`],
    ['publish (s)', publishSeconds.toFixed(1)],
    ['backlog landed, from the first batch (s)', total.toFixed(1)],
    [
      'MySQL rows / rows/s',
      `${rowsOf(MYSQL_TABLES).toLocaleString('en')} / ${Math.round(rowsOf(MYSQL_TABLES) / doneOf(MYSQL_TABLES)).toLocaleString('en')}`,
    ],
    [
      'PostgreSQL rows / rows/s',
      `${rowsOf(POSTGRES_TABLES).toLocaleString('en')} / ${Math.round(rowsOf(POSTGRES_TABLES) / doneOf(POSTGRES_TABLES)).toLocaleString('en')}`,
    ],
    [
      'MongoDB documents / docs/s',
      `${rowsOf(MONGO_COLLECTIONS).toLocaleString('en')} / ${Math.round(rowsOf(MONGO_COLLECTIONS) / doneOf(MONGO_COLLECTIONS)).toLocaleString('en')}`,
    ],
    ['sink events/s', Math.round(published / total).toLocaleString('en')],
  ];
  printTable('generate → Kafka → sink → stores', rows);

  if (!values['no-floor']) {
    // The floor: the same rows into empty copies of the tables, by each store's bulk path.
    const bulk = ownWorld('bench_bulk');
    await bulk.setUp();
    try {
      const loads = [
        {
          store: 'MySQL (LOAD DATA LOCAL INFILE)',
          tables: MYSQL_TABLES,
          load: await bulkLoadMysql(mysql, name, bulk.name, MYSQL_TABLES),
        },
        {
          store: 'PostgreSQL (COPY FROM STDIN)',
          tables: POSTGRES_TABLES,
          load: await bulkLoadPostgres(postgres, name, bulk.name, POSTGRES_TABLES),
        },
        {
          store: 'MongoDB (insertMany, unordered)',
          tables: MONGO_COLLECTIONS,
          load: await bulkLoadMongo(mongo, name, bulk.name, MONGO_COLLECTIONS),
        },
      ];
      const copied = await storeCounts(bulk.stores, bulk.targets);
      const short = Object.entries(expected).filter(([t, n]) => copied[t] !== n);
      if (short.length > 0)
        throw new Error(`the bulk load did not copy every row: ${JSON.stringify(short)}`);
      printTable(
        "the sink beside each store's own bulk load of the same rows (rows/s; ratio sink / bulk)",
        loads.map(({ store, tables, load }) => {
          const sinkRate = rowsOf(tables) / doneOf(tables);
          const bulkRate = load.rows / load.seconds;
          return [
            store,
            `sink ${count(sinkRate)} · bulk ${count(bulkRate)} (${load.seconds.toFixed(2)} s) · ${(sinkRate / bulkRate).toFixed(2)}`,
          ] as const;
        }),
      );
    } finally {
      await bulk.tearDown();
    }
  }

  await world.tearDown();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
