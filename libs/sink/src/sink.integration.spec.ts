import { createEvent, type DeadLetter, encodeEvent } from '@amato/contracts';
import { Dataset, publish } from '@amato/generator';
import type { BatchConsumer } from '@amato/kafka';
import { StreamRunner } from '@amato/stream';
import { ownWorld, testConfig, validEvent, waitFor } from '@amato/testing';
import { TrinoService } from '@amato/trino';
import { Sink, sinkGroups } from './sink';
import { storeCounts } from './store-counts';

/** Polls `probe` until `done`, for up to 90 s. */
function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return waitFor(what, probe, done, { timeoutMs: 90_000, intervalMs: 250 });
}

describe(Sink.name, () => {
  const world = ownWorld('sink');
  const { name, topics, targets, kafka, mysql, postgres, mongo, stores } = world;
  const dataset = new Dataset({ seed: 5, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
  const dead: DeadLetter[] = [];
  let runner: StreamRunner;
  let dlqConsumer: BatchConsumer;

  beforeAll(async () => {
    await world.setUp();
    const sink = new Sink(mysql, postgres, mongo, { targets, parentWaitMs: 15_000 });
    // The sink's handler under the stream runner, as the sink service runs it (without Nest).
    runner = new StreamRunner(
      kafka,
      { service: 'sink', topics, groups: sinkGroups(`${name}.sink`), partitionsConcurrently: 3 },
      () => sink.handle,
    );
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
    await Promise.all([runner.start(), dlqConsumer.start()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([runner.stop(), dlqConsumer.stop()]);
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

  it('lands A/B test results that a join of its exposures and the transactions reproduces', async () => {
    const { trino: trinoConfig } = testConfig();
    const { mysql: my, postgresql: pg } = trinoConfig.catalogs;
    // A customer converts with a sale after their exposure and before the test's last day ends.
    const joined = await new TrinoService(trinoConfig).query(`
      WITH exposed AS (
        SELECT e.test_id, e.variant, e.customer_id,
               CAST(e.exposed_at AT TIME ZONE 'UTC' AS timestamp(3)) AS exposed_at,
               CAST(t.end_date + INTERVAL '1' DAY AS timestamp(3)) AS ended_at
        FROM ${pg}.${name}.ab_test_exposures e
        JOIN ${pg}.${name}.ab_tests t ON t.test_id = e.test_id
      ), per_customer AS (
        SELECT x.test_id, x.variant, x.customer_id,
               COUNT(s.transaction_id) AS sales, COALESCE(SUM(s.total_amount), 0) AS revenue
        FROM exposed x
        LEFT JOIN ${my}.${name}.transactions s
          ON s.customer_id = x.customer_id
         AND s.order_status IN ('completed', 'shipped', 'delivered')
         AND s.transaction_date > x.exposed_at AND s.transaction_date < x.ended_at
        GROUP BY x.test_id, x.variant, x.customer_id
      )
      SELECT test_id, variant, COUNT(*) AS participants, COUNT_IF(sales > 0) AS conversions,
             SUM(revenue) AS revenue
      FROM per_customer GROUP BY test_id, variant ORDER BY test_id, variant`);
    const recorded = await postgres.query(
      `SELECT test_id, variant, participants, conversions, revenue FROM ${name}.ab_test_results
       WHERE participants > 0 ORDER BY test_id, variant`,
    );
    const totals = (rows: readonly Record<string, unknown>[]) =>
      rows.map((r) => ({
        test: `${String(r.test_id)} ${String(r.variant)}`,
        participants: Number(r.participants),
        conversions: Number(r.conversions),
        revenue: Number(r.revenue).toFixed(2),
      }));
    expect(totals(joined).some((r) => r.conversions > 0)).toBe(true);
    expect(totals(joined)).toEqual(totals(recorded));
  }, 60_000);

  it('keeps the earliest exposure of a customer to a test: a later one changes nothing', async () => {
    const [row] = await postgres.query<{ test_id: string; customer_id: string; variant: string }>(
      `SELECT test_id, customer_id, variant FROM ${name}.ab_test_exposures ORDER BY test_id, customer_id LIMIT 1`,
    );
    if (!row) throw new Error('no exposure landed');
    const read = () =>
      postgres.query<{ customer_id: string; variant: string; exposed_at: Date }>(
        `SELECT customer_id, variant, exposed_at FROM ${name}.ab_test_exposures
         WHERE test_id = $1 AND customer_id IN ($2, 'CUST_900500') ORDER BY customer_id`,
        [row.test_id, row.customer_id],
      );
    const [before] = await read();
    const exposure = (customer: string, at: number, variant: 'control' | 'treatment') =>
      encodeEvent(
        createEvent(
          'ab_test.exposure.recorded',
          {
            test_id: row.test_id,
            customer_id: customer,
            variant,
            exposed_at: new Date(at).toISOString(),
          },
          new Date(at).toISOString(),
        ),
      );
    const other = row.variant === 'control' ? 'treatment' : 'control';
    const at = before?.exposed_at.getTime() ?? 0;
    // The marker lands after the later exposure (one partition, in order): then it was handled.
    await kafka.send(topics.campaigns, [
      exposure(row.customer_id, at + 3_600_000, other),
      exposure('CUST_900500', at, 'control'),
    ]);
    const [kept] = await until('the marker exposure', read, (rows) => rows.length === 2);
    expect(kept).toEqual(before);
    await kafka.send(topics.campaigns, [exposure(row.customer_id, at - 60_000, other)]);
    const [earlier] = await until(
      'the earlier exposure',
      read,
      (rows) => rows[0]?.exposed_at.getTime() === at - 60_000,
    );
    expect(earlier).toEqual({
      customer_id: row.customer_id,
      variant: other,
      exposed_at: new Date(at - 60_000),
    });
  }, 60_000);

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

  it('isolates a record the store keeps failing on with an unlisted error, and moves on', async () => {
    // A trigger refuses one customer with SQLSTATE 45000 (MySQL errno 1644): neither a known
    // refusal of the data nor a transient error, the kind that used to stall a partition.
    await mysql.execute(
      `CREATE TRIGGER \`${name}\`.refuse_poison BEFORE INSERT ON \`${name}\`.customers FOR EACH ROW
       BEGIN IF NEW.customer_id = 'CUST_900101' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'planted failure'; END IF; END`,
    );
    const earlier = dead.length;
    const poison = validEvent('customer.created', {
      customer_id: 'CUST_900101',
      email: 'p@example.com',
    });
    const others = [900102, 900103, 900104].map((n) =>
      validEvent('customer.created', { customer_id: `CUST_${n}`, email: `c${n}@example.com` }),
    );
    await kafka.send(
      topics.customers,
      [poison, ...others].map((e) => ({ ...encodeEvent(e), key: 'one-partition' })),
    );
    const [letter] = await until(
      'the poison record in the DLQ',
      () => Promise.resolve(dead.slice(earlier)),
      (d) => d.length >= 1,
    );
    expect(letter).toMatchObject({ stage: 'sink:exhausted', event_id: poison.event_id });
    expect(letter?.reason).toMatch(/^failed 3 times on its own: .*planted failure/);
    const rows = await until(
      'the other customers',
      () =>
        mysql.query<{ customer_id: string }>(
          `SELECT customer_id FROM \`${name}\`.customers WHERE customer_id IN ('CUST_900101', 'CUST_900102', 'CUST_900103', 'CUST_900104') ORDER BY customer_id`,
        ),
      (r) => r.length >= 3,
    );
    expect(rows.map((r) => r.customer_id)).toEqual(['CUST_900102', 'CUST_900103', 'CUST_900104']);
    expect(dead.length - earlier).toBe(1);
  }, 60_000);
});
