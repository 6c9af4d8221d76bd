/**
 * Kafka adapter throughput: produce N records through KafkaService.send in chunks, then consume
 * them with the batch consumer (handled offsets committed at most every
 * kafka.consumer.commitIntervalMs, as the services do), and print a results table.
 *
 *   npx tsx bench/kafka-roundtrip.ts [--records 200000] [--size 300] [--chunk 1000] [--partitions 6]
 *
 * Needs the stack (./amato stack up). Uses its own topic and group, deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@amato/config';
import { KafkaService } from '@amato/kafka';
import { integerOption } from './support/options';
import { percentile, printTable } from './support/report';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    size: { type: 'string', default: '300' },
    chunk: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '6' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npx tsx bench/kafka-roundtrip.ts [--records N] [--size BYTES] [--chunk N] [--partitions N]',
  );
  process.exit(0);
}

async function main(): Promise<void> {
  const total = integerOption('records', values.records);
  const size = integerOption('size', values.size);
  const chunk = integerOption('chunk', values.chunk);
  const partitions = integerOption('partitions', values.partitions);
  const config = loadConfig({ configDir: resolve(__dirname, '../config') });
  const kafka = await new KafkaService(config.kafka).connect();
  const suffix = randomBytes(4).toString('hex');
  const topic = `bench.roundtrip.${suffix}`;
  await kafka.ensureTopics([{ topic, partitions }]);

  const payload = 'x'.repeat(Math.max(0, size - 40));
  const produceStarted = performance.now();
  const sendLatencies: number[] = [];
  for (let sent = 0; sent < total; sent += chunk) {
    const n = Math.min(chunk, total - sent);
    const records = Array.from({ length: n }, (_, i) => ({
      key: `CUST_${String((sent + i) % 10_000).padStart(6, '0')}`,
      value: `{"seq":${sent + i},"p":"${payload}"}`,
    }));
    const t = performance.now();
    await kafka.send(topic, records);
    sendLatencies.push(performance.now() - t);
    // A progress line on a terminal, redrawn about 20 times; nothing in a log file.
    if (
      process.stderr.isTTY &&
      Math.floor((sent + n) / (total / 20)) > Math.floor(sent / (total / 20))
    ) {
      process.stderr.write(`\rproduced ${sent + n}/${total}`);
    }
  }
  const produceSeconds = (performance.now() - produceStarted) / 1000;
  if (process.stderr.isTTY) process.stderr.write('\n');

  let consumed = 0;
  const batchSizes: number[] = [];
  const consumeStarted = performance.now();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const consumer = kafka.createBatchConsumer({
    groupId: `bench.group.${suffix}`,
    topics: [topic],
    partitionsConsumedConcurrently: partitions,
    handler: (batch) => {
      consumed += batch.records.length;
      batchSizes.push(batch.records.length);
      if (consumed >= total) done();
      return Promise.resolve();
    },
  });
  await consumer.start();
  await finished;
  const consumeSeconds = (performance.now() - consumeStarted) / 1000;
  await consumer.stop();
  await kafka.deleteTopics([topic]);
  await kafka.close();

  sendLatencies.sort((a, b) => a - b);
  batchSizes.sort((a, b) => a - b);
  const rows: [string, string][] = [
    ['records', String(total)],
    ['record size (bytes)', String(size)],
    ['partitions', String(partitions)],
    ['produce events/s', Math.round(total / produceSeconds).toLocaleString('en')],
    [
      `send() of ${chunk} p50 / p99 (ms)`,
      `${percentile(sendLatencies, 50).toFixed(1)} / ${percentile(sendLatencies, 99).toFixed(1)}`,
    ],
    ['consume + commit events/s', Math.round(total / consumeSeconds).toLocaleString('en')],
    ['batches committed', String(batchSizes.length)],
    [
      'batch size p50 / max',
      `${percentile(batchSizes, 50)} / ${batchSizes[batchSizes.length - 1] ?? 0}`,
    ],
  ];
  printTable('Kafka adapter round trip (KafkaJS 2.2.4)', rows);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
