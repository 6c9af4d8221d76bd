/**
 * Generator throughput: events/s generated alone (no I/O), then generated and published to
 * Kafka through the adapter, on scratch topics deleted afterwards.
 *
 *   npx tsx bench/generator.ts [--scale 0.2] [--batch 5000]      (--scale 1: the reference set)
 *
 * Needs the stack (./amato stack up).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@amato/config';
import { topicSpecs, topicsFor } from '@amato/contracts';
import { Dataset, publish } from '@amato/generator';
import { KafkaService } from '@amato/kafka';
import { printTable } from './support/report';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.2' },
    batch: { type: 'string', default: '5000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/generator.ts [--scale X] [--batch N]');
  process.exit(0);
}
const scale = Number(values.scale);
const batch = Number(values.batch);
if (!(scale >= 0.01 && scale <= 10) || !Number.isInteger(batch) || batch < 1) {
  console.error('--scale must be 0.01..10 and --batch a positive integer');
  process.exit(2);
}

async function main(): Promise<void> {
  const end = new Date('2026-01-01T00:00:00Z');
  const planStart = performance.now();
  const dataset = new Dataset({ seed: 42, scale, end });
  const planSeconds = (performance.now() - planStart) / 1000;
  const gen = await publish(
    dataset.events(),
    topicsFor('dry'),
    { sendBatch: () => Promise.resolve() },
    { batchSize: batch },
  );

  const config = loadConfig({ configDir: resolve(__dirname, '../config') });
  const kafka = await new KafkaService(config.kafka).connect();
  const topics = topicsFor(`bench.gen.${randomBytes(4).toString('hex')}`);
  await kafka.ensureTopics(topicSpecs(topics));
  const pub = await publish(new Dataset({ seed: 42, scale, end }).events(), topics, kafka, {
    batchSize: batch,
  });
  await kafka.deleteTopics(Object.values(topics));
  await kafka.close();

  const rows: [string, string][] = [
    ['scale / events', `${scale} / ${gen.published.toLocaleString('en')}`],
    ['plan (s)', planSeconds.toFixed(1)],
    ['generate only: events/s', Math.round(gen.published / gen.seconds).toLocaleString('en')],
    ['generate + publish: events/s', Math.round(pub.published / pub.seconds).toLocaleString('en')],
    ['generate + publish: seconds', pub.seconds.toFixed(1)],
    ['records per request', String(batch)],
  ];
  printTable('generator (KafkaJS 2.2.4 producer, idempotent, acks=all)', rows);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
