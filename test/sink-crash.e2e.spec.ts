import { setTimeout as sleep } from 'node:timers/promises';
import { Dataset, publish } from '@amato/generator';
import { storeCounts } from '@amato/sink';
import {
  closedPort,
  scrapeConsumerLag,
  ownWorld,
  ServiceProcesses,
  sinkEnv,
  stopWith,
} from '@amato/testing';

/**
 * The sink as a real process on this test's own topics, databases and consumer groups: killed
 * with SIGKILL mid-stream and started again, it must end with exactly the generated rows.
 */
describe('the sink process, killed and restarted', () => {
  const world = ownWorld('crash');
  const { name, topics, targets, kafka, stores } = world;
  const processes = new ServiceProcesses();
  const startSink = (metricsPort = 0) =>
    processes.start('apps/sink/src/main.ts', sinkEnv(name, metricsPort));

  beforeAll(() => world.setUp(), 60_000);

  afterAll(async () => {
    processes.killAll();
    await world.tearDown();
  });

  it('ends with exactly the generated rows: nothing lost, nothing doubled', async () => {
    const dataset = new Dataset({ seed: 9, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
    await publish(dataset.events(), topics, kafka, { batchSize: 2000 });

    const first = startSink();
    const deadline = Date.now() + 60_000;
    while (((await storeCounts(stores, targets)).page_views ?? 0) < 1000) {
      if (Date.now() > deadline) throw new Error('the sink wrote nothing within 60 s');
      await sleep(100);
    }
    await stopWith(first, 'SIGKILL');
    const atKill = await storeCounts(stores, targets);
    expect(atKill.page_views ?? 0).toBeLessThan(dataset.expected.page_views);

    const metricsPort = await closedPort();
    const second = startSink(metricsPort);
    const expected = dataset.expected as unknown as Record<string, number>;
    let counts = atKill;
    const until = Date.now() + 120_000;
    while (!Object.entries(expected).every(([table, n]) => counts[table] === n)) {
      if (Date.now() > until) break;
      await sleep(500);
      counts = await storeCounts(stores, targets);
    }
    expect(counts).toEqual(expected);

    // Its metrics show what it consumed and that nothing is left behind.
    const { page: metrics, partitions, behind } = await scrapeConsumerLag(metricsPort);
    expect(partitions).toBeGreaterThan(0);
    expect(behind).toEqual([]);
    expect(metrics).toMatch(
      /amato_consumer_batch_duration_seconds_count\{group="[^"]+\.clickstream"/,
    );
    // A graceful stop drains and exits cleanly.
    expect(await stopWith(second, 'SIGTERM')).toBe(0);
  }, 240_000);
});
