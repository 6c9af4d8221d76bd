import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent, type DeadLetter, encodeEvent } from '@amato/contracts';
import { Dataset, publish } from '@amato/generator';
import type { BatchConsumer } from '@amato/kafka';
import { validEvent } from '../../contracts/src/testing/event-factories';
import { ownWorld } from '../../../test/support/own-world';
import { Sink } from './sink';
import { storeCounts } from './store-counts';

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await sleep(250);
  }
}

describe(Sink.name, () => {
  const world = ownWorld('sink');
  const { name, topics, targets, kafka, mysql, postgres, mongo, stores } = world;
  const dataset = new Dataset({ seed: 5, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
  const dead: DeadLetter[] = [];
  let consumers: BatchConsumer[];
  let dlqConsumer: BatchConsumer;

  beforeAll(async () => {
    await world.setUp();
    const sink = new Sink(kafka, mysql, postgres, mongo, { topics, targets, parentWaitMs: 15_000 });
    consumers = sink.createConsumers(`${name}.sink`);
    dlqConsumer = kafka.createBatchConsumer({
      groupId: `${name}.dlq-reader`,
      topics: [topics.dlq],
      handler: (batch) => {
        dead.push(
          ...batch.records.map((r) => JSON.parse(r.value?.toString() ?? '{}') as DeadLetter),
        );
        return Promise.resolve();
      },
    });
    await Promise.all([...consumers, dlqConsumer].map((c) => c.start()));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...consumers, dlqConsumer].map((c) => c.stop()));
    await world.tearDown();
  });

  it('lands exactly the generated rows in every table and collection, with integrity', async () => {
    await publish(dataset.events(), topics, kafka, { batchSize: 2000 });
    const expected = { ...dataset.expected } as Record<string, number>;
    delete expected.customer_segments;
    const counts = await until(
      'every row',
      () => storeCounts(stores, targets),
      (c) => Object.entries(expected).every(([k, v]) => c[k] === v),
    );
    expect(counts).toMatchObject(expected);
    const [mismatch] = await mysql.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM \`${name}\`.transactions t
       JOIN (SELECT transaction_id, SUM(line_total) AS s FROM \`${name}\`.transaction_items GROUP BY transaction_id) i USING (transaction_id)
       WHERE i.s <> t.total_amount`,
    );
    expect(Number(mismatch?.n)).toBe(0);
    expect(dead).toEqual([]);
  }, 180_000);

  it('changes nothing when the same events are delivered again', async () => {
    const before = await storeCounts(stores, targets);
    await publish(dataset.events(), topics, kafka, { batchSize: 2000 });
    // Wait until the sink has read all of it: the group's committed offsets reach the ends.
    await until(
      'the redelivery to be consumed',
      async () => {
        let lag = 0;
        for (const stream of ['customers', 'transactions', 'campaigns', 'clickstream'] as const) {
          const topic = topics[stream];
          const committed = await kafka.committedOffsets(`${name}.sink.${stream}`, topic);
          const total = await kafka.topicRecordCount(topic);
          lag +=
            total - [...committed.values()].reduce((sum, o) => sum + Math.max(0, Number(o)), 0);
        }
        return lag;
      },
      (lag) => lag === 0,
    );
    expect(await storeCounts(stores, targets)).toEqual(before);
  }, 180_000);

  it('sends malformed, misrouted and orphaned records to the DLQ with reasons, while good ones land', async () => {
    const earlier = dead.length;
    const good = validEvent('customer.created', {
      customer_id: 'CUST_900001',
      email: 'good@example.com',
    });
    const orphan = createEvent(
      'transaction.created',
      {
        ...validEvent('transaction.created').payload,
        transaction_id: 'TXN_90000001',
        customer_id: 'CUST_999999',
      },
      '2025-06-01T00:00:00Z',
    );
    const badSchema = validEvent('customer.created', { customer_id: 'CUST_900002', email: 'nope' });
    const misrouted = validEvent('page.viewed');
    await kafka.send(topics.customers, [
      { key: 'x', value: '{not json' },
      encodeEvent(badSchema),
      encodeEvent(good),
      encodeEvent(misrouted),
    ]);
    await kafka.send(topics.transactions, [encodeEvent(orphan)]);
    const letters = await until(
      '4 dead letters',
      () => Promise.resolve(dead.slice(earlier)),
      (d) => d.length >= 4,
    );
    expect(letters.map((d) => `${d.stage} ${d.reason}`).sort()).toEqual([
      `sink:route page.viewed belongs on the clickstream topic, not ${topics.customers}`,
      'sink:validate invalid customer.created: payload.email: must be an e-mail address, got "nope"',
      expect.stringMatching(/^sink:validate not JSON: \(root\): /),
      'sink:write customer CUST_999999 does not exist (waited 15000 ms for it)',
    ]);
    expect(letters.every((d) => d.original !== null && d.source.topic.startsWith(name))).toBe(true);
    const [row] = await mysql.query<{ email: string }>(
      `SELECT email FROM \`${name}\`.customers WHERE customer_id = 'CUST_900001'`,
    );
    expect(row?.email).toBe('good@example.com');
  }, 60_000);
});
