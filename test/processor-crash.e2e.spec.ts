import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dataset, publish } from '@amato/generator';
import { comparableAggregates, oracleAggregates } from './support/feature-oracle';
import { ownStream, waitUntilCaughtUp } from './support/own-stream';
import { closedPort } from './support/resources';
import { metricValues, startService } from './support/service-process';
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
  const children: ChildProcess[] = [];

  function startProcessor(metricsPort = 0): ChildProcess {
    const child = startService('apps/processor/src/main.ts', {
      AMATO_KAFKA__TOPIC_PREFIX: name,
      AMATO_FEATURES__KEY_PREFIX: name,
      AMATO_PROCESSOR__GROUP_ID: groupId,
      AMATO_PROCESSOR__METRICS_PORT: String(metricsPort),
      // Small fetches, so the kill lands between batches of one partition's records.
      AMATO_KAFKA__CONSUMER__MAX_BYTES_PER_PARTITION: '65536',
    });
    children.push(child);
    return child;
  }

  beforeAll(() => world.setUp(), 60_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
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
    first.kill('SIGKILL');
    await new Promise((done) => first.once('exit', done));
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

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/amato_processor_ops_total\{result="applied"\} [1-9]/);
    const lags = metricValues(metrics, 'amato_consumer_lag_records');
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.filter((l) => l.value !== 0)).toEqual([]);

    // A graceful stop drains and exits cleanly.
    second.kill('SIGTERM');
    const code = await new Promise((done) => second.once('exit', done));
    expect(code).toBe(0);
  }, 240_000);
});
