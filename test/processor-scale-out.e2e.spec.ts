import { setTimeout as sleep } from 'node:timers/promises';
import type { INestMicroservice } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { FEATURE_STREAMS } from '@amato/features';
import { Dataset, publish } from '@amato/generator';
import { MetricsService } from '@amato/metrics';
import { createStreamService } from '@amato/stream';
import {
  comparableAggregates,
  metricValues,
  oracleAggregates,
  ownStream,
  waitUntilCaughtUp,
  testConfig,
} from '@amato/testing';
import { processorService } from '../apps/processor/src/processor.service';

/**
 * Two processor instances in one consumer group split the partitions between them, and the
 * features are the same as one instance would make: a customer's clickstream spreads over
 * partitions (it is keyed by session), so both instances update the same customers.
 */
describe('the feature processor, scaled out', () => {
  const world = ownStream('pscale');
  const { name, topics, kafka, store } = world;
  const groupId = `${name}.processor`;
  const instances: INestMicroservice[] = [];
  const registries: Registry[] = [];

  beforeAll(() => world.setUp(), 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((app) => app.close()));
    await world.tearDown();
  });

  it('splits the work between two instances and still matches the raw events', async () => {
    const events = [
      ...new Dataset({ seed: 31, scale: 0.01, end: new Date('2026-01-01') }).events(),
    ];
    const oracle = oracleAggregates(events);
    const config = testConfig({
      AMATO_KAFKA__TOPIC_PREFIX: name,
      AMATO_FEATURES__KEY_PREFIX: name,
      AMATO_PROCESSOR__GROUP_ID: groupId,
      AMATO_PROCESSOR__PARTITIONS_CONCURRENTLY: '2',
    });
    for (let i = 0; i < 2; i++) {
      const app = await createStreamService(processorService, config);
      instances.push(app);
      registries.push(app.get(MetricsService).registry);
      await app.listen();
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
