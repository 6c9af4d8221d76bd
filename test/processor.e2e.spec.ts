import type { INestMicroservice } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { type AmatoEvent, type DeadLetter, encodeEvent } from '@amato/contracts';
import { Dataset, publish, Random } from '@amato/generator';
import { deriveFeatures, FEATURE_STREAMS } from '@amato/features';
import { MetricsService } from '@amato/metrics';
import { createStreamService } from '@amato/stream';
import {
  comparableAggregates,
  oracleAggregates,
  ownStream,
  waitUntilCaughtUp,
  testConfig,
  validEvent,
  waitFor,
} from '@amato/testing';
import { processorService } from '../apps/processor/src/processor.service';

const END = new Date('2026-01-01T00:00:00Z');

/**
 * The processor on real Kafka and Redis, on this test's own topics and key prefix: every
 * customer's features must equal a recomputation from the raw events, also after every event
 * is delivered a second time in another order, and bad records must reach the DLQ.
 */
describe('the feature processor', () => {
  const world = ownStream('proc');
  const { name, topics, kafka, store } = world;
  const groupId = `${name}.processor`;
  const feature = FEATURE_STREAMS.map((s) => topics[s]);
  const events: AmatoEvent[] = [...new Dataset({ seed: 21, scale: 0.01, end: END }).events()];
  const oracle = oracleAggregates(events);
  let registry: Registry;
  let processor: INestMicroservice;

  beforeAll(async () => {
    await world.setUp();
    // The processor service as it runs, in this process, on this test's topics and keys.
    const config = testConfig({
      AMATO_KAFKA__TOPIC_PREFIX: name,
      AMATO_FEATURES__KEY_PREFIX: name,
      AMATO_PROCESSOR__GROUP_ID: groupId,
      AMATO_PROCESSOR__PARTITIONS_CONCURRENTLY: '4',
    });
    processor = await createStreamService(processorService, config);
    registry = processor.get(MetricsService).registry;
    await processor.listen();
  }, 60_000);

  afterAll(async () => {
    await processor.close();
    await world.tearDown();
  });

  /** Reads the DLQ until `count` letters came, with its own group. */
  async function deadLetters(count: number, reader: string): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    const consumer = kafka.createBatchConsumer({
      groupId: `${name}.${reader}`,
      topics: [topics.dlq],
      handler: (batch) => {
        for (const r of batch.records)
          letters.push(JSON.parse(r.value?.toString() ?? '') as DeadLetter);
        return Promise.resolve();
      },
    });
    await consumer.start();
    try {
      await waitFor(
        `${count} dead letters`,
        () => letters.length,
        (n) => n >= count,
      );
    } finally {
      await consumer.stop();
    }
    return letters;
  }

  async function expectOracle(): Promise<void> {
    expect(oracle.size).toBeGreaterThan(50);
    const asOf = END.getTime();
    for (const [customerId, expected] of oracle) {
      const actual = await store.read(customerId);
      expect(comparableAggregates(actual)).toEqual(comparableAggregates(expected));
      if (actual)
        expect(deriveFeatures(actual, asOf).features).toEqual(
          deriveFeatures(expected, asOf).features,
        );
    }
  }

  it('streams generated events into features equal to a recomputation from the raw events', async () => {
    await publish(events, topics, kafka, { batchSize: 2000 });
    await waitUntilCaughtUp(kafka, groupId, feature, 120_000);
    await expectOracle();
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/amato_processor_ops_total\{result="applied"\} [1-9]/);
    expect(metrics).toMatch(
      /amato_consumer_batch_duration_seconds_count\{group="[^"]+",topic="[^"]+clickstream"\} [1-9]/,
    );
  }, 180_000);

  it('counts nothing twice when every event arrives again, in another order', async () => {
    const random = new Random(3);
    const again = [...events];
    for (let i = again.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [again[i], again[j]] = [again[j] as AmatoEvent, again[i] as AmatoEvent];
    }
    await publish(again, topics, kafka, { batchSize: 2000 });
    await waitUntilCaughtUp(kafka, groupId, feature, 120_000);
    await expectOracle();
    expect(await registry.metrics()).toMatch(
      /amato_processor_ops_total\{result="duplicate"\} [1-9]/,
    );
  }, 180_000);

  it('sends malformed and misrouted records to the DLQ with their reasons while good ones flow', async () => {
    const customer = events.find((e) => e.event_type === 'customer.created');
    if (!customer) throw new Error('no customer in the dataset');
    await kafka.send(topics.clickstream, [
      { key: 'x', value: '{not json' },
      { key: 'y', value: JSON.stringify({ event_type: 'page.viewed', payload: {} }) },
      encodeEvent(customer),
    ]);
    const letters = await deadLetters(3, 'dlq-reader');
    expect(letters.map((l) => l.stage).sort()).toEqual([
      'processor:route',
      'processor:validate',
      'processor:validate',
    ]);
    for (const letter of letters) {
      expect(letter.reason.length).toBeGreaterThan(5);
      expect(letter.source.topic).toBe(topics.clickstream);
    }
    expect(letters.find((l) => l.stage === 'processor:route')?.reason).toMatch(
      /belongs on the customers topic/,
    );
    await waitUntilCaughtUp(kafka, groupId, feature, 60_000);
    await expectOracle();
  }, 120_000);

  it('isolates a record whose Redis write keeps failing: it goes to the DLQ, the partition moves on', async () => {
    // A key of the wrong type (written by something else) makes the customer script fail on every try:
    // neither transient nor a refusal of the data, the kind of error that used to stall a
    // partition forever.
    const poison = validEvent('customer.created', { customer_id: 'CUST_990001' });
    await world.redis.client.set(`${name}:c:{CUST_990001}`, 'not a hash');
    const others = [990002, 990003, 990004].map((n) =>
      validEvent('customer.created', { customer_id: `CUST_${n}` }),
    );
    // One key, so all four share a partition and a batch: the good ones after the bad one.
    await kafka.send(
      topics.customers,
      [poison, ...others].map((e) => ({ ...encodeEvent(e), key: 'one-partition' })),
    );
    const letters = await deadLetters(4, 'dlq-poison');
    const exhausted = letters.filter((l) => l.stage === 'processor:exhausted');
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]).toMatchObject({
      event_id: poison.event_id,
      source: { topic: topics.customers },
    });
    expect(exhausted[0]?.reason).toMatch(
      /^failed 3 times on its own: .*holds a string, not a hash/,
    );
    await waitUntilCaughtUp(kafka, groupId, feature, 60_000);
    for (const e of others) {
      const a = await store.read(e.payload.customer_id);
      expect(a?.registeredMs).toBe(Date.parse(e.payload.registration_date));
    }
    expect(await registry.metrics()).toMatch(
      /amato_stream_batch_retries_total\{service="processor",kind="split"\} [1-9]/,
    );
    // The features of the dataset are untouched by all this.
    await expectOracle();
  }, 120_000);
});
