import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { type AmatoEvent, type DeadLetter, encodeEvent } from '@amato/contracts';
import { deriveFeatures } from '@amato/features';
import { Dataset, publish, Random } from '@amato/generator';
import type { BatchConsumer } from '@amato/kafka';
import { FEATURE_STREAMS, FeatureProcessor } from '../apps/processor/src/feature-processor';
import { comparableAggregates, oracleAggregates } from './support/feature-oracle';
import { ownStream, waitUntilCaughtUp } from './support/own-stream';

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
  const registry = new Registry();
  let consumer: BatchConsumer;

  beforeAll(async () => {
    await world.setUp();
    const processor = new FeatureProcessor(kafka, store, { topics, registry });
    consumer = processor.createConsumer(groupId, 4);
    await consumer.start();
  }, 60_000);

  afterAll(async () => {
    await consumer.stop();
    await world.tearDown();
  });

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
    const letters: DeadLetter[] = [];
    const reader = kafka.createBatchConsumer({
      groupId: `${name}.dlq-reader`,
      topics: [topics.dlq],
      handler: (batch) => {
        for (const r of batch.records)
          letters.push(JSON.parse(r.value?.toString() ?? '') as DeadLetter);
        return Promise.resolve();
      },
    });
    await reader.start();
    const deadline = Date.now() + 60_000;
    while (letters.length < 3 && Date.now() < deadline) await sleep(200);
    await reader.stop();
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
});
