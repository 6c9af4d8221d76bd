import type { PoolConnection } from 'mysql2/promise';
import { encodeEvent } from '@amato/contracts';
import { ownWorld, ServiceProcesses, sinkEnv, stopWith, validEvent, waitFor } from '@amato/testing';

/**
 * SIGTERM while a batch is stuck in a store: the service must finish that batch and commit it
 * before any store connection closes, then exit 0. (When the stores closed first, the batch
 * hit a closed pool and was delivered again after the restart.)
 */
describe('a stream service stopped during a slow batch', () => {
  const world = ownWorld('stop');
  const { name, topics, kafka, mysql } = world;
  const processes = new ServiceProcesses();
  let lock: PoolConnection | undefined;

  beforeAll(() => world.setUp(), 60_000);

  afterAll(async () => {
    processes.killAll();
    lock?.release();
    await world.tearDown();
  });

  it('finishes and commits the batch in flight, then exits 0, with no error from a closed store', async () => {
    const sink = processes.start(
      'apps/sink/src/main.ts',
      { ...sinkEnv(name), AMATO_LOG__LEVEL: 'warn' },
      { logs: true },
    );
    let logs = '';
    sink.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const groupId = `${name}.sink.customers`;
    await waitFor(
      'the sink to join its customers group',
      () => kafka.describeGroup(groupId),
      (g) => g.state === 'Stable' && g.members === 1,
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    // Another session holds the table, so the sink's insert waits for it: a slow batch.
    lock = await mysql.pool.getConnection();
    await lock.query(`LOCK TABLES \`${name}\`.customers WRITE`);
    const customers = Array.from({ length: 20 }, (_, i) =>
      validEvent('customer.created', {
        customer_id: `CUST_${String(800000 + i)}`,
        email: `stop${i}@example.com`,
      }),
    );
    // One key: one partition, one batch, in flight when the signal comes.
    await kafka.send(
      topics.customers,
      customers.map((e) => ({ ...encodeEvent(e), key: 'one-partition' })),
    );
    await waitFor(
      'the sink to wait on the locked table',
      () =>
        mysql.query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE 'INSERT INTO \`${name}\`.\`customers\`%' OR info LIKE 'INSERT INTO \`${name}\`.customers%'`,
        ),
      (rows) => Number(rows[0]?.n) > 0,
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    const exit = stopWith(sink, 'SIGTERM');
    // It keeps the batch and waits; nothing is closed under it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sink.exitCode).toBeNull();
    await lock.query('UNLOCK TABLES');
    expect(await exit).toBe(0);

    const [row] = await mysql.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM \`${name}\`.customers`,
    );
    expect(Number(row?.n)).toBe(customers.length);
    // Everything it handled is committed: no record of the topic is left for a restart.
    expect(await kafka.groupLag(groupId, [topics.customers])).toBe(0);
    const problems = logs
      .split('\n')
      .filter((line) => /closed|retrying|shutdown failed/i.test(line));
    expect(problems).toEqual([]);
  }, 120_000);
});
