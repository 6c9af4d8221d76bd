/**
 * Two Kafka clients doing the same work in one run, on the same broker: KafkaJS as AMATO uses
 * it, through KafkaService (libs/kafka), against @platformatic/kafka used directly. Each round
 * measures, for each client on topics of its own:
 *   - produce: N records sent in chunks, each chunk's send awaited before the next;
 *   - consume: a fresh group reads the topic from its start until all N records are received
 *     and the group's committed offsets cover all of them.
 * The clients alternate (kafkajs first in odd rounds, platformatic first in even ones) to spread
 * this VM's drift over both; a fixed CPU loop is timed before and after.
 *
 *   npx tsx bench/kafka-clients.ts [--records 200000] [--size 300] [--chunk 1000] [--partitions 6] [--rounds 2]
 *
 * What each side does, so the comparison is like for like:
 *   - Records: built once before any timing and reused by both clients in every round: the same
 *     keys (CUST_000000..CUST_009999, cycling), string values of exactly --size bytes, no
 *     headers, no compression, the same chunks. Both hash keys with Java's murmur2 (KafkaJS's
 *     DefaultPartitioner; platformatic's compatibilityPartitioner, as its default partitioner
 *     hashes differently), so both topics get the same records per partition (checked).
 *   - Produce, kafkajs: KafkaService.send(topic, chunk) (the shared producer: idempotent,
 *     acks=-1, maxInFlightRequests 5). platformatic: Producer.send({ messages }) with
 *     idempotent: true, which forces acks=-1 and one request in flight per connection. A chunk
 *     is one Produce request to the one broker either way, and as each send is awaited neither
 *     has more than one in flight. Each producer connects and initialises its producer id on a
 *     warm-up topic before the first round, so that is not timed; the metadata of each new
 *     topic is fetched on its first send, by both, inside the timing.
 *   - Consume, kafkajs: KafkaService.createBatchConsumer (a KafkaJS consumer, eachBatch, no
 *     auto-commit, partitionsConsumedConcurrently = --partitions), whose handler counts records.
 *     The adapter commits handled offsets at most every kafka.consumer.commitIntervalMs
 *     (CommitPolicy), awaiting the commit inside the batch, and when no batch follows, that long
 *     after the previous commit. platformatic: Consumer.consume() with autocommit off (its
 *     autocommit commits what was fetched, not what was handled), from the committed offset
 *     falling back to the earliest. Its stream hands over one message at a time; once the
 *     messages of a fetch response are delivered, each partition's part of it counts as a batch,
 *     as in KafkaJS, and goes to the same CommitPolicy, committed with consumer.commit() at the
 *     same cadence, including the trailing commit. The one difference: the stream keeps
 *     fetching while a commit is in flight, where KafkaJS's next fetch waits for it (a few
 *     round trips a second at 200 ms).
 *     Both use the fetch settings of kafka.consumer (max bytes, per partition, max wait) and its
 *     session and heartbeat timeouts, and both time connecting and joining the group.
 *   - Done: once every record was received, both are watched the same way, the group's
 *     committed offsets polled every few milliseconds (through KafkaService's admin) until they
 *     reach each partition's end. The consume figure is records / (joined, read and committed).
 *
 * Needs the stack (./amato stack up). Its topics are deleted at the end, whatever happens.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { setLogLevel } from '@amato/common';
import { type AppConfig, loadConfig } from '@amato/config';
import { CommitPolicy, KafkaService } from '@amato/kafka';
import {
  compatibilityPartitioner,
  Consumer,
  type MessagesStream,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  stringSerializers,
} from '@platformatic/kafka';
import { integerOption } from './support/options';
import { count, cpuCheckMs, printTable } from './support/report';

const USAGE = `usage: npx tsx bench/kafka-clients.ts [--records N] [--size BYTES] [--chunk N] [--partitions N] [--rounds N]
  --records     records produced and consumed per client per round (default 200000)
  --size        bytes of each record's value (default 300, at least 32)
  --chunk       records per awaited send (default 1000)
  --partitions  partitions of each topic (default 6)
  --rounds      rounds; the client that goes first alternates (default 2)`;

function cli(): Record<'records' | 'size' | 'chunk' | 'partitions' | 'rounds', string> {
  try {
    const { values } = parseArgs({
      options: {
        records: { type: 'string', default: '200000' },
        size: { type: 'string', default: '300' },
        chunk: { type: 'string', default: '1000' },
        partitions: { type: 'string', default: '6' },
        rounds: { type: 'string', default: '2' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
}

const args = cli();
const total = integerOption('records', args.records);
/** At least 32: the JSON around the padding, {"seq":<up to 10 digits>,"p":"…"}, takes up to 25. */
const size = integerOption('size', args.size, 32);
const chunk = integerOption('chunk', args.chunk);
const partitions = integerOption('partitions', args.partitions);
const rounds = integerOption('rounds', args.rounds);
/** The records are held in memory, built before any timing. */
const MAX_RECORD_BYTES = 512 * 1024 * 1024;
if (total * size > MAX_RECORD_BYTES) {
  console.error(
    `--records × --size must stay under ${MAX_RECORD_BYTES / 1024 / 1024} MB (the records are built in memory before timing), got ${count(total)} × ${size}`,
  );
  process.exit(2);
}

type Client = 'kafkajs' | 'platformatic';

interface BenchRecord {
  readonly key: string;
  readonly value: string;
}

interface Measurement {
  readonly client: Client;
  readonly round: number;
  readonly produce: number;
  readonly consume: number;
  /** Records per partition, by partition. */
  readonly layout: readonly number[];
}

/** How often the group's committed offsets are read once every record was received. */
const COMMIT_POLL_MS = 5;

function buildChunks(): BenchRecord[][] {
  const pad = 'x'.repeat(size);
  const chunks: BenchRecord[][] = [];
  for (let sent = 0; sent < total; sent += chunk) {
    const records: BenchRecord[] = [];
    for (let seq = sent; seq < Math.min(total, sent + chunk); seq++) {
      const head = `{"seq":${seq},"p":"`;
      records.push({
        key: `CUST_${String(seq % 10_000).padStart(6, '0')}`,
        value: `${head}${pad.slice(0, size - head.length - 2)}"}`,
      });
    }
    chunks.push(records);
  }
  return chunks;
}

function version(pkg: string): string {
  const file = resolve(__dirname, '../node_modules', pkg, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function status(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
}

/** Rejects with `what` once performance.now() passes `deadline`. */
async function within<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(new Error(`${what}: not done in time`));
      },
      Math.max(0, deadline - performance.now()),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls the group's committed offsets until each partition's reaches `ends` (its end). `check`
 * throws to give up (a client failed, or the deadline passed).
 */
async function committedThrough(
  kafka: KafkaService,
  groupId: string,
  topic: string,
  ends: readonly number[],
  check: () => void,
): Promise<void> {
  for (;;) {
    check();
    const committed = await kafka.committedOffsets(groupId, topic);
    if (ends.every((end, partition) => Number(committed.get(partition) ?? '-1') >= end)) return;
    await sleep(COMMIT_POLL_MS);
  }
}

function pastDeadline(deadline: number, what: string): () => void {
  return () => {
    if (performance.now() > deadline) throw new Error(`${what}: not committed in time`);
  };
}

/** Each partition's end offset; the topic must hold exactly `total` records. */
async function topicEnds(kafka: KafkaService, topic: string): Promise<number[]> {
  const offsets = await kafka.partitionOffsets(topic);
  const held = offsets.reduce((sum, p) => sum + p.high - p.low, 0);
  if (held !== total) throw new Error(`${topic} holds ${held} records, not ${total}`);
  return offsets.map((p) => p.high);
}

async function produceKafkaJs(
  kafka: KafkaService,
  topic: string,
  chunks: readonly BenchRecord[][],
): Promise<number> {
  const started = performance.now();
  for (const records of chunks) await kafka.send(topic, records);
  return (performance.now() - started) / 1000;
}

async function producePlatformatic(
  producer: Producer<string, string, string, string>,
  topic: string,
  chunks: readonly BenchRecord[][],
): Promise<number> {
  const started = performance.now();
  for (const records of chunks) {
    // The adapter maps each record to a KafkaJS message the same way; here the topic goes in it.
    await producer.send({ messages: records.map((r) => ({ topic, key: r.key, value: r.value })) });
  }
  return (performance.now() - started) / 1000;
}

async function consumeKafkaJs(
  kafka: KafkaService,
  topic: string,
  ends: readonly number[],
  deadline: number,
): Promise<number> {
  const groupId = `${topic}.group`;
  let consumed = 0;
  let received: () => void = () => undefined;
  const allReceived = new Promise<void>((r) => (received = r));
  const consumer = kafka.createBatchConsumer({
    groupId,
    topics: [topic],
    partitionsConsumedConcurrently: partitions,
    handler: (batch) => {
      consumed += batch.records.length;
      if (consumed >= total) received();
      return Promise.resolve();
    },
  });
  const started = performance.now();
  try {
    await consumer.start();
    await within(allReceived, deadline, `kafkajs: reading ${topic}`);
    await committedThrough(kafka, groupId, topic, ends, pastDeadline(deadline, `kafkajs ${topic}`));
    return (performance.now() - started) / 1000;
  } finally {
    await consumer.stop();
  }
}

async function consumePlatformatic(
  kafka: KafkaService,
  settings: AppConfig['kafka'],
  topic: string,
  ends: readonly number[],
  deadline: number,
): Promise<number> {
  const groupId = `${topic}.group`;
  const consumer = new Consumer({
    ...platformaticBase(settings),
    groupId,
    sessionTimeout: settings.consumer.sessionTimeoutMs,
    heartbeatInterval: settings.consumer.heartbeatIntervalMs,
    maxBytesPerPartition: settings.consumer.maxBytesPerPartition,
    maxBytes: settings.consumer.maxBytes,
    maxWaitTime: settings.consumer.maxWaitTimeMs,
    autocommit: false,
  });
  // The adapter's commit cadence, with the adapter's own policy.
  const commits = new CommitPolicy(settings.consumer.commitIntervalMs);
  consumer.on('consumer:group:join', () => {
    commits.assigned();
  });
  let failure: Error | undefined;
  let fail: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = (err) => {
      failure ??= err instanceof Error ? err : new Error(String(err));
      reject(failure);
    };
  });
  failed.catch(() => undefined);

  // Commits run one after another, like the adapter's.
  let committing = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;
  const commitPending = (): void => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const taken = commits.take();
    if (!taken) return;
    const offsets = taken.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        offset: BigInt(p.offset),
        leaderEpoch:
          consumer.currentMetadata?.topics.get(t.topic)?.partitions[p.partition]?.leaderEpoch ?? -1,
      })),
    );
    committing = committing.then(() => consumer.commit({ offsets })).catch(fail);
  };
  const scheduleFlush = (): void => {
    if (flushTimer) return;
    flushTimer = setTimeout(commitPending, commits.msUntilDue);
    flushTimer.unref();
  };
  // The next offset of each partition handled in the current fetch.
  const handled = new Map<number, bigint>();
  let inFetch = false;
  const endFetch = (): void => {
    inFetch = false;
    // As in KafkaJS, a batch is one partition's records of a fetch: each one handled is
    // committed at once when a commit is due, or else left to the trailing commit.
    for (const [partition, next] of handled) {
      commits.handled(topic, partition, next.toString(), commits.epoch);
      if (commits.due) commitPending();
      else scheduleFlush();
    }
    handled.clear();
  };

  let consumed = 0;
  let received: () => void = () => undefined;
  const allReceived = new Promise<void>((r) => (received = r));
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  const started = performance.now();
  try {
    stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
    });
    stream.on('error', fail);
    stream.on('data', (message) => {
      consumed += 1;
      handled.set(message.partition, message.offset + 1n);
      // The messages of one fetch response are pushed in one go; the fetch ends when that is done.
      if (!inFetch) {
        inFetch = true;
        queueMicrotask(endFetch);
      }
      if (consumed >= total) received();
    });
    await within(Promise.race([allReceived, failed]), deadline, `platformatic: reading ${topic}`);
    const check = pastDeadline(deadline, `platformatic ${topic}`);
    await committedThrough(kafka, groupId, topic, ends, () => {
      if (failure !== undefined) throw failure;
      check();
    });
    return (performance.now() - started) / 1000;
  } finally {
    clearTimeout(flushTimer);
    await committing;
    await stream?.close().catch(warn('closing the platformatic stream'));
    await consumer.close().catch(async (err: unknown) => {
      warn('leaving the platformatic group')(err);
      // close(true) alone is typed as the callback form.
      await new Promise<void>((closed) => {
        consumer.close(true, (error) => {
          if (error) warn('closing the platformatic consumer')(error);
          closed();
        });
      });
    });
  }
}

function platformaticBase(settings: AppConfig['kafka']) {
  return {
    clientId: `${settings.clientId}.bench`,
    bootstrapBrokers: [...settings.brokers],
    connectTimeout: settings.connectionTimeoutMs,
    timeout: settings.requestTimeoutMs,
    // As KafkaService's KafkaJS: 5 retries, from 200 ms.
    retries: 5,
    retryDelay: 200,
  };
}

function warn(what: string): (err: unknown) => void {
  return (err) => {
    console.error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  setLogLevel('error');
  const chunks = buildChunks();
  const cpuBefore = cpuCheckMs();
  const config = loadConfig({ configDir: resolve(__dirname, '../config') });
  const kafka = await new KafkaService(config.kafka).connect();
  const prefix = `bench.clients.${randomBytes(4).toString('hex')}`;
  const warmup = `${prefix}.warmup`;
  const plan = Array.from({ length: rounds }, (_, i) => i + 1).flatMap((round) =>
    (round % 2 === 1
      ? (['kafkajs', 'platformatic'] as const)
      : (['platformatic', 'kafkajs'] as const)
    ).map((client) => ({ round, client, topic: `${prefix}.r${round}.${client}` })),
  );
  const topics = [warmup, ...plan.map((p) => p.topic)];
  const results: Measurement[] = [];
  // Generous: a stuck client fails the run instead of hanging it.
  const budgetMs = 60_000 + total;
  let producer: Producer<string, string, string, string> | undefined;
  try {
    await kafka.ensureTopics([
      { topic: warmup, partitions: 1 },
      ...plan.map((p) => ({ topic: p.topic, partitions })),
    ]);
    producer = new Producer({
      ...platformaticBase(config.kafka),
      idempotent: true,
      serializers: stringSerializers,
      partitioner: compatibilityPartitioner,
    });
    // Connections and producer ids, before any timing.
    await kafka.send(warmup, [{ key: 'warmup', value: 'kafkajs' }]);
    await producer.send({ messages: [{ topic: warmup, key: 'warmup', value: 'platformatic' }] });

    for (const { round, client, topic } of plan) {
      status(`round ${round}, ${client}: producing ${count(total)} records`);
      const produceSeconds =
        client === 'kafkajs'
          ? await produceKafkaJs(kafka, topic, chunks)
          : await producePlatformatic(producer, topic, chunks);
      const ends = await topicEnds(kafka, topic);
      status(`round ${round}, ${client}: consuming`);
      const deadline = performance.now() + budgetMs;
      const consumeSeconds =
        client === 'kafkajs'
          ? await consumeKafkaJs(kafka, topic, ends, deadline)
          : await consumePlatformatic(kafka, config.kafka, topic, ends, deadline);
      results.push({
        client,
        round,
        produce: total / produceSeconds,
        consume: total / consumeSeconds,
        layout: ends,
      });
    }
    status('');
  } finally {
    await producer?.close().catch(warn('closing the platformatic producer'));
    const existing = await kafka.topicNames().catch(() => new Set<string>());
    const ours = topics.filter((t) => existing.has(t));
    if (ours.length > 0) await kafka.deleteTopics(ours).catch(warn(`deleting ${ours.join(', ')}`));
    await kafka.close();
  }
  const cpuAfter = cpuCheckMs();

  const of = (client: Client) => results.filter((r) => r.client === client);
  const sameLayout = results.every(
    (r) => r.layout.join() === results.find((o) => o.round === r.round)?.layout.join(),
  );
  const kafkajs = {
    produce: median(of('kafkajs').map((r) => r.produce)),
    consume: median(of('kafkajs').map((r) => r.consume)),
  };
  const platformatic = {
    produce: median(of('platformatic').map((r) => r.produce)),
    consume: median(of('platformatic').map((r) => r.consume)),
  };
  const kafkajsName = `kafkajs ${version('kafkajs')} via KafkaService`;
  const platformaticName = `@platformatic/kafka ${version('@platformatic/kafka')}`;

  printTable(`Kafka clients by round: ${kafkajsName} vs ${platformaticName}`, [
    ['records per client per round', count(total)],
    ['value size (bytes) / records per send / partitions', `${size} / ${chunk} / ${partitions}`],
    ...results.map((r): [string, string] => [
      `${r.client}, round ${r.round}: produce / consume + commit (rec/s)`,
      `${count(r.produce)} / ${count(r.consume)}`,
    ]),
    ['same records per partition for both clients', sameLayout ? 'yes' : 'no'],
  ]);
  printTable(`Kafka clients: medians over ${rounds} round${rounds === 1 ? '' : 's'}`, [
    [
      'kafkajs: produce / consume + commit (rec/s)',
      `${count(kafkajs.produce)} / ${count(kafkajs.consume)}`,
    ],
    [
      'platformatic: produce / consume + commit (rec/s)',
      `${count(platformatic.produce)} / ${count(platformatic.consume)}`,
    ],
    [
      'platformatic / kafkajs: produce / consume (ratio)',
      `${(platformatic.produce / kafkajs.produce).toFixed(2)} / ${(platformatic.consume / kafkajs.consume).toFixed(2)}`,
    ],
    [
      'CPU check, fixed loop before / after (ms)',
      `${cpuBefore.toFixed(0)} / ${cpuAfter.toFixed(0)}`,
    ],
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
