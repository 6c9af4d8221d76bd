import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyUnavailableError } from '@amato/common';
import { closedPort, testConfig, uniqueName, waitFor } from '@amato/testing';
import { KafkaService } from './kafka.service';
import type { BatchConsumer, RecordBatch } from './kafka.types';

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe(KafkaService.name, () => {
  const config = testConfig();
  const topic = uniqueName('test.roundtrip');
  let kafka: KafkaService;
  const consumers: BatchConsumer[] = [];
  /** Topics of single tests, deleted in afterAll so a failing test leaves none behind. */
  const ownTopics: string[] = [];

  beforeAll(async () => {
    kafka = await new KafkaService(config.kafka).connect();
    await kafka.ensureTopics([{ topic, partitions: 3 }]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await kafka.deleteTopics([topic, ...ownTopics]);
    await kafka.close();
  });

  function consume(groupId: string, onBatch: (batch: RecordBatch) => Promise<void>): BatchConsumer {
    const consumer = kafka.createBatchConsumer({ groupId, topics: [topic], handler: onBatch });
    consumers.push(consumer);
    return consumer;
  }

  it('produces, consumes in batches and commits, so the group resumes after what it processed', async () => {
    const groupId = uniqueName('test.group');
    const records = Array.from({ length: 1000 }, (_, i) => ({
      key: `CUST_${String(i % 50).padStart(6, '0')}`,
      value: JSON.stringify({ seq: i }),
      headers: { 'schema-version': '1' },
    }));
    await kafka.send(topic, records);

    const seen: number[] = [];
    let batches = 0;
    const first = consume(groupId, (batch) => {
      batches += 1;
      for (const record of batch.records) {
        expect(record.headers['schema-version']).toBe('1');
        seen.push((JSON.parse(record.value?.toString() ?? '{}') as { seq: number }).seq);
      }
      return Promise.resolve();
    });
    await first.start();
    await until('1000 records', () => seen.length >= 1000);
    await first.stop();

    expect([...seen].sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
    expect(batches).toBeLessThan(1000);
    const committed = await kafka.committedOffsets(groupId, topic);
    expect([...committed.values()].reduce((sum, offset) => sum + Number(offset), 0)).toBe(1000);

    // A new member of the same group gets only what was produced after the commit.
    const later: string[] = [];
    const second = consume(groupId, (batch) => {
      later.push(...batch.records.map((r) => r.value?.toString() ?? ''));
      return Promise.resolve();
    });
    await second.start();
    await kafka.send(topic, [{ key: 'CUST_000001', value: 'after-commit' }]);
    await until('the record produced after the commit', () => later.length >= 1);
    await sleep(500);
    expect(later).toEqual(['after-commit']);
    await second.stop();
  });

  it('commits nothing for a batch whose handler fails, so it is delivered again', async () => {
    const groupId = uniqueName('test.group');
    const failTopic = uniqueName('test.redelivery');
    ownTopics.push(failTopic);
    await kafka.ensureTopics([{ topic: failTopic, partitions: 1 }]);
    await kafka.send(failTopic, [
      { key: 'k', value: 'v1' },
      { key: 'k', value: 'v2' },
    ]);
    let attempts = 0;
    const delivered: string[] = [];
    const consumer = kafka.createBatchConsumer({
      groupId,
      topics: [failTopic],
      handler: (batch) => {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new Error('transient store failure'));
        delivered.push(...batch.records.map((r) => r.value?.toString() ?? ''));
        return Promise.resolve();
      },
    });
    consumers.push(consumer);
    await consumer.start();
    await until('redelivery after the failure', () => delivered.length >= 2);
    await consumer.stop();
    expect(delivered).toEqual(['v1', 'v2']);
    expect(await kafka.committedOffsets(groupId, failTopic)).toEqual(new Map([[0, '2']]));
  });

  it('lets the batch in flight finish and commit when stopped mid-batch', async () => {
    const groupId = uniqueName('test.group');
    const drainTopic = uniqueName('test.drain');
    ownTopics.push(drainTopic);
    await kafka.ensureTopics([{ topic: drainTopic, partitions: 1 }]);
    await kafka.send(drainTopic, [
      { key: 'k', value: 'a' },
      { key: 'k', value: 'b' },
      { key: 'k', value: 'c' },
    ]);
    let entered = false;
    let finished = false;
    const consumer = kafka.createBatchConsumer({
      groupId,
      topics: [drainTopic],
      handler: async () => {
        entered = true;
        await sleep(1_000);
        finished = true;
      },
    });
    await consumer.start();
    await until('the handler to start', () => entered);
    await consumer.stop();
    expect(finished).toBe(true);
    expect(await kafka.committedOffsets(groupId, drainTopic)).toEqual(new Map([[0, '3']]));
  });

  it('commits handled batches together: after the interval when no batch follows, and on stop', async () => {
    const withInterval = (commitIntervalMs: number) =>
      new KafkaService({
        ...config.kafka,
        consumer: { ...config.kafka.consumer, commitIntervalMs },
      });
    for (const [commitIntervalMs, name] of [
      [60_000, 'stop'],
      [2_000, 'timer'],
    ] as const) {
      const service = withInterval(commitIntervalMs);
      const commitTopic = uniqueName(`test.commit_${name}`);
      const groupId = uniqueName('test.group');
      const committed = async () =>
        (await service.committedOffsets(groupId, commitTopic)).get(0) ?? 'none';
      const eventually = async (what: string, offset: string) => {
        const deadline = Date.now() + 10_000;
        while ((await committed()) !== offset) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await sleep(100);
        }
      };
      await service.ensureTopics([{ topic: commitTopic, partitions: 1 }]);
      let handled = 0;
      const consumer = service.createBatchConsumer({
        groupId,
        topics: [commitTopic],
        handler: (batch) => {
          handled += batch.records.length;
          return Promise.resolve();
        },
      });
      try {
        await consumer.start();
        // The first batch is committed at once; the next one within the interval waits.
        await service.send(commitTopic, [{ key: 'k', value: 'first' }]);
        await eventually('the first commit', '1');
        await service.send(commitTopic, [{ key: 'k', value: 'second' }]);
        await until('the second record', () => handled >= 2);
        await sleep(300);
        expect(await committed()).toBe('1');
        if (name === 'timer') {
          // No batch follows: the timer commits it, an interval after the last commit.
          await eventually('the timed commit', '2');
        } else {
          await sleep(1_000);
          expect(await committed()).toBe('1');
        }
        // Stopping commits what is handled.
        await consumer.stop();
        expect(await committed()).toBe('2');
      } finally {
        await consumer.stop();
        await service.deleteTopics([commitTopic]);
        await service.close();
      }
    }
  }, 90_000);

  it('never moves a committed position back after a rebalance gives the partition to another member', async () => {
    const withInterval = (commitIntervalMs: number) =>
      new KafkaService({
        ...config.kafka,
        consumer: { ...config.kafka.consumer, commitIntervalMs },
      });
    // A commits lazily, so its handled offsets are pending when the group rebalances; B commits
    // after every batch.
    const [lazy, eager] = [withInterval(60_000), withInterval(0)];
    const rebalanceTopic = uniqueName('test.rebalance');
    const groupId = uniqueName('test.group');
    await kafka.ensureTopics([{ topic: rebalanceTopic, partitions: 4 }]);
    ownTopics.push(rebalanceTopic);
    const handled = { a: 0, b: 0 };
    const member = (service: KafkaService, name: 'a' | 'b') =>
      service.createBatchConsumer({
        groupId,
        topics: [rebalanceTopic],
        handler: (batch) => {
          handled[name] += batch.records.length;
          return Promise.resolve();
        },
      });
    const round = (n: number) =>
      kafka.send(
        rebalanceTopic,
        Array.from({ length: 200 }, (_, i) => ({ key: `key-${i}`, value: `round ${n}` })),
      );
    const a = member(lazy, 'a');
    const b = member(eager, 'b');
    try {
      await a.start();
      // A's first batch is committed at once; what it handles next waits for the interval.
      await kafka.send(rebalanceTopic, [{ key: 'warm-up', value: 'warm-up' }]);
      await until('the warm-up', () => handled.a >= 1);
      await sleep(500);
      await round(1);
      await until('round 1 by A', () => handled.a >= 201);
      // B joins: every partition is revoked from A, and some are assigned to B.
      await b.start();
      await waitFor(
        'the group to settle with two members',
        () => kafka.describeGroup(groupId),
        (g) => g.state === 'Stable' && g.members === 2,
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const afterRebalance = handled.a + handled.b;
      await round(2);
      await until('round 2', () => handled.a + handled.b >= afterRebalance + 200, 30_000);
      await sleep(1_000);
      // A stops first: a commit of offsets it handled before the rebalance, for partitions B
      // now owns, would move B's committed positions back.
      await a.stop();
      await b.stop();
      expect(handled.b).toBeGreaterThan(0);
      const ends = await kafka.topicRecordCount(rebalanceTopic);
      const committed = await kafka.committedOffsets(groupId, rebalanceTopic);
      expect([...committed.values()].reduce((sum, o) => sum + Number(o), 0)).toBe(ends);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([lazy.close(), eager.close()]);
    }
  }, 120_000);

  it('reports itself up in a health check', async () => {
    await expect(kafka.checkHealth()).resolves.toMatchObject({ name: 'kafka', status: 'up' });
  });

  it('fails to connect with a clear error naming the brokers when Kafka is down', async () => {
    const port = await closedPort();
    const down = new KafkaService({ ...config.kafka, brokers: [`127.0.0.1:${port}`] });
    const failure = down.connect();
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^Kafka at 127\\.0\\.0\\.1:${port} is unavailable: .*ECONNREFUSED`),
    );
    await down.close();
  }, 30_000);
});
