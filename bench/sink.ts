/**
 * End to end: generate and publish a dataset to scratch topics, then sink it into scratch
 * databases, and time until every table and collection holds exactly the generated rows.
 * Prints publish and landing times and rows/s per store.
 *
 *   npx tsx bench/sink.ts [--scale 0.2]          (--scale 1: the reference set, ~1.8M events)
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
import { printTable } from './support/report';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '0.2' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log('usage: npx tsx bench/sink.ts [--scale X]');
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
  const runner = new StreamRunner(
    kafka,
    {
      service: 'sink',
      topics,
      groups: sinkGroups(`${name}.sink`),
      partitionsConcurrently: config.sink.partitionsConcurrently,
    },
    () => sink.handle,
  );
  await runner.start();

  const started = performance.now();
  const landedAt: Record<string, number> = {};
  let published = 0;
  let publishSeconds = 0;
  const publishing = publish(dataset.events(), topics, kafka, { batchSize: 5000 }).then((s) => {
    published = s.published;
    publishSeconds = s.seconds;
  });
  for (;;) {
    // Under load the local MongoDB wire server answers slowly; a late count is retried.
    const counts = await storeCounts(stores, targets).catch(() => undefined);
    if (!counts) continue;
    const now = (performance.now() - started) / 1000;
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
  await publishing;
  const total = (performance.now() - started) / 1000;
  if (process.stderr.isTTY) process.stderr.write('\n');
  await runner.stop();

  const rowsOf = (tables: readonly string[]) => tables.reduce((n, t) => n + (expected[t] ?? 0), 0);
  const doneOf = (tables: readonly string[]) => Math.max(...tables.map((t) => landedAt[t] ?? 0));
  const rows: [string, string][] = [
    ['scale / events published', `${scale} / ${published.toLocaleString('en')}`],
    ['publish (s)', publishSeconds.toFixed(1)],
    ['everything landed (s)', total.toFixed(1)],
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
    ['end to end events/s', Math.round(published / total).toLocaleString('en')],
  ];
  printTable('generate → Kafka → sink → stores', rows);

  await world.tearDown();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
