import { createEvent, type AmatoEvent } from '@amato/contracts';
import { Dataset, Random } from '@amato/generator';
import { RedisService } from '@amato/redis';
import { comparableAggregates, oracleAggregates, testConfig, uniqueName } from '@amato/testing';
import { FeatureStore } from './feature-store';
import { contributionOf } from './ops';
import { BUCKET_RETENTION_DAYS, DAY_MS, dayOf } from './spec';

const END = new Date('2026-01-01T00:00:00Z');

describe(FeatureStore.name, () => {
  const config = testConfig();
  const redis = new RedisService(config.redis);
  let prefix: string;
  let store: FeatureStore;
  const events = [...new Dataset({ seed: 5, scale: 0.01, end: END }).events()];
  const oracle = oracleAggregates(events);

  beforeAll(async () => {
    await redis.connect();
  });

  beforeEach(async () => {
    prefix = uniqueName('features');
    store = new FeatureStore(redis.client, {
      keyPrefix: prefix,
      dedupeHorizonMs: 7 * DAY_MS,
      sessionTtlSeconds: 3600,
    });
    await store.loadScripts();
  });

  afterEach(async () => {
    const stream = redis.client.scanStream({ match: `${prefix}:*`, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.client.unlink(...keys);
    }
  });

  afterAll(() => redis.close());

  /** A completed order of 10 USD; n makes its transaction id. */
  const order = (customerId: string, n: number, at: number): AmatoEvent =>
    createEvent(
      'transaction.created',
      {
        transaction_id: `TXN_${String(90_000_000 + n)}`,
        customer_id: customerId,
        total_amount: 10,
        currency: 'USD',
        payment_method: 'card',
        order_status: 'completed',
        channel: 'web',
        session_id: null,
        items: [
          {
            line_number: 1,
            product_id: 'PROD_00001',
            product_name: 'Mug',
            category: 'home',
            quantity: 1,
            unit_price: 10,
            discount_amount: 0,
            line_total: 10,
          },
        ],
      },
      new Date(at),
    );

  async function applyAll(list: readonly AmatoEvent[], batch = 500): Promise<number> {
    let duplicates = 0;
    for (let i = 0; i < list.length; i += batch) {
      const result = await store.apply(list.slice(i, i + batch).map(contributionOf));
      duplicates += result.duplicates;
    }
    return duplicates;
  }

  async function expectOracle(): Promise<void> {
    expect(oracle.size).toBeGreaterThan(50);
    for (const [customerId, expected] of oracle) {
      expect(comparableAggregates(await store.read(customerId))).toEqual(
        comparableAggregates(expected),
      );
    }
  }

  it('keeps every customer equal to a recomputation from the raw events', async () => {
    expect(await applyAll(events)).toBe(0);
    await expectOracle();
  });

  it('gives the same values for the events shuffled and each delivered twice', async () => {
    const random = new Random(11);
    const twice = [...events, ...events];
    for (let i = twice.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [twice[i], twice[j]] = [twice[j] as AmatoEvent, twice[i] as AmatoEvent];
    }
    const duplicates = await applyAll(twice, 777);
    expect(duplicates).toBeGreaterThan(0);
    await expectOracle();
  });

  it('changes nothing when a batch is applied again', async () => {
    const first = await store.apply(events.slice(0, 2000).map(contributionOf));
    const again = await store.apply(events.slice(0, 2000).map(contributionOf));
    expect(first.applied).toBeGreaterThan(0);
    expect(again).toMatchObject({ applied: 0, duplicates: first.applied + first.duplicates });
  });

  it('gives, when asked, every touched customer and session as the batch left it, as read gives them', async () => {
    for (let i = 0; i < 3000; i += 1000) {
      const batch = events.slice(i, i + 1000).map(contributionOf);
      const result = await store.apply(batch, Date.now(), { withStates: true });
      const touched = new Set(batch.flatMap((c) => (c.customer ? [c.customer.customerId] : [])));
      const sessions = new Set(batch.flatMap((c) => (c.session ? [c.session.sessionId] : [])));
      expect(result.states?.customers.size).toBe(touched.size);
      expect(result.states?.sessions.size).toBe(sessions.size);
      for (const id of touched)
        expect(result.states?.customers.get(id)).toEqual(await store.read(id));
      for (const id of sessions)
        expect(result.states?.sessions.get(id)).toEqual(await store.readJourney(id));
    }
    expect((await store.apply(events.slice(0, 10).map(contributionOf))).states).toBeUndefined();
  });

  it('gives each change of a customer a later version, even within one millisecond', async () => {
    const at = Date.parse('2025-06-01T00:00:00Z');
    const now = Date.now();
    const second = order('CUST_000001', 2, at);
    await store.apply([contributionOf(order('CUST_000001', 1, at))], now);
    await store.apply([contributionOf(second)], now);
    expect((await store.read('CUST_000001'))?.updatedMs).toBe(now + 1);
    // A redelivery changes nothing, its version included.
    await store.apply([contributionOf(second)], now + 5);
    expect((await store.read('CUST_000001'))?.updatedMs).toBe(now + 1);
  });

  it('recovers when Redis has forgotten its scripts', async () => {
    const result = await store.apply(events.slice(0, 100).map(contributionOf));
    expect(result.applied).toBeGreaterThan(0);
  });

  it('keeps day buckets only within the lateness bound behind the newest event', async () => {
    const newest = END.getTime();
    const atBound = newest - BUCKET_RETENTION_DAYS * DAY_MS;
    const beyond = atBound - DAY_MS;
    const times = [newest, atBound, beyond];
    // Newest first for one customer, oldest first for the other: the same buckets remain.
    await store.apply(times.map((t, n) => contributionOf(order('CUST_900001', n, t))));
    await store.apply(
      [...times].reverse().map((t, n) => contributionOf(order('CUST_900002', n, t))),
    );
    const a = await store.read('CUST_900001');
    const b = await store.read('CUST_900002');
    expect(a).toMatchObject({
      orders: 3,
      registeredMs: null,
      firstOrderMs: beyond,
      lastOrderMs: newest,
    });
    expect([...(a?.days.keys() ?? [])].sort()).toEqual([dayOf(atBound), dayOf(newest)]);
    expect(comparableAggregates(b)).toEqual(
      comparableAggregates(a && { ...a, customerId: 'CUST_900002' }),
    );
  });

  it('keeps the journey of a live session', async () => {
    const session = events.find((e) => e.event_type === 'session.ended');
    if (session?.event_type !== 'session.ended') throw new Error('no session in the dataset');
    const sessionId = session.payload.session_id;
    const ofSession = events.filter(
      (e) =>
        'session_id' in e.payload &&
        e.payload.session_id === sessionId &&
        e.event_type !== 'transaction.created',
    );
    await store.apply(ofSession.map(contributionOf));
    const journey = await store.readJourney(sessionId);
    const views = ofSession.flatMap((e) => (e.event_type === 'page.viewed' ? [e.payload] : []));
    expect(journey).toMatchObject({
      session_id: sessionId,
      customer_id: session.payload.customer_id,
      pages: views.length,
      ended: true,
    });
    expect(journey?.depth).toBe(Math.max(...views.map((v) => v.sequence_number)));
    expect(await redis.client.ttl(`${prefix}:s:{${sessionId}}`)).toBeGreaterThan(3000);
    expect(await store.readJourney('SESS_unknown00')).toBeUndefined();
  });

  it('remembers an applied event id for one dedupe horizon at least and two at most', async () => {
    const horizon = 7 * DAY_MS;
    const start = Math.ceil(Date.now() / horizon) * horizon; // a generation's first moment
    const once = [contributionOf(order('CUST_900003', 1, END.getTime()))];
    expect(await store.apply(once, start)).toMatchObject({ applied: 1 });
    expect(await store.apply(once, start + horizon - 1)).toMatchObject({ duplicates: 1 });
    expect(await store.apply(once, start + 2 * horizon - 1)).toMatchObject({ duplicates: 1 });
    // The first generation's set is no longer asked; its ttl frees the memory.
    const [, seen] = store.customerKeys('CUST_900003', start);
    expect(await redis.client.ttl(seen ?? '')).toBeLessThanOrEqual((2 * horizon) / 1000);
    expect(await store.apply(once, start + 2 * horizon)).toMatchObject({ applied: 1 });
  });

  it('deletes buckets past the retention when the newest day enters a new prune period', async () => {
    const periodStart = (Math.floor(dayOf(END.getTime()) / 7) + 1) * 7; // a multiple of 7
    const at = (day: number) => day * DAY_MS + 3_600_000;
    const old = periodStart - 92; // retained behind periodStart, not behind periodStart + 6
    const key = store.customerKeys('CUST_900004')[0] ?? '';
    await store.apply(
      [order('CUST_900004', 10, at(periodStart)), order('CUST_900004', 11, at(old))].map(
        contributionOf,
      ),
    );
    expect([...((await store.read('CUST_900004'))?.days.keys() ?? [])]).toContain(old);
    // Same period: stored still, but no longer read.
    await store.apply([contributionOf(order('CUST_900004', 12, at(periodStart + 6)))]);
    expect(await redis.client.hexists(key, `o:${old}`)).toBe(1);
    expect([...((await store.read('CUST_900004'))?.days.keys() ?? [])].sort()).toEqual([
      periodStart,
      periodStart + 6,
    ]);
    // The next period: deleted.
    await store.apply([contributionOf(order('CUST_900004', 13, at(periodStart + 7)))]);
    expect(await redis.client.hexists(key, `o:${old}`)).toBe(0);
    expect(await redis.client.hexists(key, `o:${periodStart}`)).toBe(1);
    expect((await store.read('CUST_900004'))?.orders).toBe(4);
  });

  it('reads nothing for a customer it has not seen', async () => {
    expect(await store.read('CUST_999999')).toBeUndefined();
  });

  it('reads many customers in one pipeline, in order, as read() reads each', async () => {
    const now = Date.parse('2025-12-30T12:00:00Z');
    await store.apply([
      contributionOf(order('CUST_900010', 21, now - 3 * DAY_MS)),
      contributionOf(order('CUST_900011', 22, now - 2 * DAY_MS)),
      contributionOf(order('CUST_900011', 23, now - DAY_MS)),
    ]);
    const ids = ['CUST_900011', 'CUST_999998', 'CUST_900010'];
    const many = await store.readMany(ids);
    expect(many.map((a) => a?.orders)).toEqual([2, undefined, 1]);
    expect(many[0]).toEqual(await store.read('CUST_900011'));
    expect(many[2]).toEqual(await store.read('CUST_900010'));
    expect(await store.readMany([])).toEqual([]);
  });
});
