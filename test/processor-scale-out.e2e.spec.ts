import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { Dataset, publish } from '@amato/generator';
import type { BatchConsumer } from '@amato/kafka';
import { FEATURE_STREAMS, FeatureProcessor } from '../apps/processor/src/feature-processor';
import { comparableAggregates, oracleAggregates } from './support/feature-oracle';
import { ownStream, waitUntilCaughtUp } from './support/own-stream';
import { metricValues } from './support/service-process';

/**
 * Two processor instances in one consumer group split the partitions between them, and the
 * features are the same as one instance would make: a customer's clickstream spreads over
 * partitions (it is keyed by session), so both instances update the same customers.
 */
describe('the feature processor, scaled out', () => {
  const world = ownStream('pscale');
  const { name, topics, kafka, store } = world;
  const groupId = `${name}.processor`;
  const registries = [new Registry(), new Registry()];
  const consumers: BatchConsumer[] = [];

  beforeAll(() => world.setUp(), 60_000);

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await world.tearDown();
  });

  it('splits the work between two instances and still matches the raw events', async () => {
    const events = [
      ...new Dataset({ seed: 31, scale: 0.01, end: new Date('2026-01-01') }).events(),
    ];
    const oracle = oracleAggregates(events);
    for (const registry of registries) {
      const consumer = new FeatureProcessor(kafka, store, { topics, registry }).createConsumer(
        groupId,
        2,
      );
      consumers.push(consumer);
      await consumer.start();
    }
    // Both members in the group, and the partitions assigned, before any record arrives.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const group = await kafka.describeGroup(groupId);
      if (group.state === 'Stable' && group.members === 2) break;
      if (Date.now() > deadline)
        throw new Error(`group not stable with 2 members: ${JSON.stringify(group)}`);
      await sleep(200);
    }
    await publish(events, topics, kafka, { batchSize: 2000 });
    await waitUntilCaughtUp(
      kafka,
      groupId,
      FEATURE_STREAMS.map((s) => topics[s]),
      120_000,
    );

    for (const [customerId, expected] of oracle) {
      expect(comparableAggregates(await store.read(customerId))).toEqual(
        comparableAggregates(expected),
      );
    }
    // Each instance handled records, and no partition was handled by both.
    const partitionsOf = async (registry: Registry) =>
      metricValues(await registry.metrics(), 'amato_consumer_lag_records').map((m) => m.labels);
    const [first, second] = await Promise.all(registries.map(partitionsOf));
    expect(first?.length).toBeGreaterThan(0);
    expect(second?.length).toBeGreaterThan(0);
    expect((first ?? []).filter((p) => second?.includes(p))).toEqual([]);
  }, 180_000);
});
