import { setTimeout as sleep } from 'node:timers/promises';
import { Dataset, publish } from '@amato/generator';
import {
  closedPort,
  comparableAggregates,
  scrapeConsumerLag,
  oracleAggregates,
  ownStream,
  ServiceProcesses,
  stopWith,
  waitUntilCaughtUp,
} from '@amato/testing';

const END = new Date('2026-01-01T00:00:00Z');

/**
 * The processor as a real process on this test's own topics, key prefix and group: killed
 * with SIGKILL mid-stream and started again, it must end with exactly the features a
 * recomputation from the raw events gives: nothing lost, nothing counted twice.
 */
describe('the processor process, killed and restarted', () => {
  const world = ownStream('pcrash');
  const { name, topics, kafka, redis, store } = world;
  const groupId = `${name}.processor`;
  const processes = new ServiceProcesses();
  const startProcessor = (metricsPort = 0) =>
    processes.start('apps/processor/src/main.ts', {
      AMATO_KAFKA__TOPIC_PREFIX: name,
      AMATO_FEATURES__KEY_PREFIX: name,
      AMATO_PROCESSOR__GROUP_ID: groupId,
      AMATO_PROCESSOR__METRICS_PORT: String(metricsPort),
      // Small fetches, so the kill lands between batches of one partition's records.
      AMATO_KAFKA__CONSUMER__MAX_BYTES_PER_PARTITION: '65536',
    });

  beforeAll(() => world.setUp(), 60_000);

  afterAll(async () => {
    processes.killAll();
    await world.tearDown();
  });

  it('ends with the features of every event applied exactly once', async () => {
    const events = [...new Dataset({ seed: 13, scale: 0.01, end: END }).events()];
    const oracle = oracleAggregates(events);
    await publish(events, topics, kafka, { batchSize: 2000 });

    const first = startProcessor();
    const deadline = Date.now() + 60_000;
    const pattern = `${name}:c:*`;
    while ((await redis.client.keys(pattern)).length < 20) {
      if (Date.now() > deadline) throw new Error('the processor wrote nothing within 60 s');
      await sleep(50);
    }
    await stopWith(first, 'SIGKILL');
    const feature = [topics.customers, topics.transactions, topics.clickstream];
    expect(await kafka.groupLag(groupId, feature)).toBeGreaterThan(0);

    const metricsPort = await closedPort();
    const second = startProcessor(metricsPort);
    await waitUntilCaughtUp(kafka, groupId, feature, 120_000);
    for (const [customerId, expected] of oracle) {
      expect(comparableAggregates(await store.read(customerId))).toEqual(
        comparableAggregates(expected),
      );
    }

    const { page: metrics, partitions, behind } = await scrapeConsumerLag(metricsPort);
    expect(partitions).toBeGreaterThan(0);
    expect(behind).toEqual([]);
    expect(metrics).toMatch(/amato_processor_ops_total\{result="applied"\} [1-9]/);
    // A graceful stop drains and exits cleanly.
    expect(await stopWith(second, 'SIGTERM')).toBe(0);
  }, 240_000);
});
