import { createHash } from 'node:crypto';
import { type AmatoEvent, type EventEnvelope, validateEvent } from '@amato/contracts';
import { CAMPAIGN_QUALITY_SIGMA, expectedCampaignRevenue } from './campaign-response';
import { Dataset } from './dataset';
import { assignVariant } from './experiments';

const END = new Date('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;
const SALES: ReadonlySet<string> = new Set(['completed', 'shipped', 'delivered']);

function collect(seed = 7, scale = 0.02): { dataset: Dataset; events: AmatoEvent[] } {
  const dataset = new Dataset({ seed, scale, end: END });
  return { dataset, events: [...dataset.events()] };
}

function digest(events: readonly AmatoEvent[]): string {
  const hash = createHash('sha256');
  for (const e of events) hash.update(JSON.stringify(e));
  return hash.digest('hex');
}

function ofType<K extends AmatoEvent['event_type']>(
  events: readonly AmatoEvent[],
  type: K,
): EventEnvelope<K>[] {
  return events.filter((e): e is Extract<AmatoEvent, { event_type: K }> => e.event_type === type);
}

describe(Dataset.name, () => {
  const { dataset, events } = collect();

  it('gives the same events for the same seed, and different ones for another seed', () => {
    expect(digest(collect().events)).toBe(digest(events));
    expect(digest([...dataset.events()])).toBe(digest(events));
    expect(digest(collect(8).events)).not.toBe(digest(events));
  });

  it('emits every event it counts, each valid against its contract', () => {
    expect(events).toHaveLength(dataset.totalEvents);
    const invalid = events.map((e) => validateEvent(e, END.getTime())).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
  });

  it('emits in event-time order, with unique event ids', () => {
    const times = events.map((e) => Date.parse(e.event_time));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    expect(Math.max(...times)).toBeLessThan(END.getTime());
  });

  it('produces exactly the expected rows of every table and collection', () => {
    const e = dataset.expected;
    expect(new Set(ofType(events, 'customer.created').map((x) => x.payload.customer_id)).size).toBe(
      e.customers,
    );
    expect(ofType(events, 'transaction.created')).toHaveLength(e.transactions);
    expect(
      ofType(events, 'transaction.created').reduce((n, x) => n + x.payload.items.length, 0),
    ).toBe(e.transaction_items);
    expect(ofType(events, 'campaign.upserted')).toHaveLength(e.campaigns);
    expect(ofType(events, 'campaign.performance.recorded')).toHaveLength(e.campaign_performance);
    expect(ofType(events, 'ab_test.upserted')).toHaveLength(e.ab_tests);
    expect(ofType(events, 'ab_test.exposure.recorded')).toHaveLength(e.ab_test_exposures);
    expect(ofType(events, 'ab_test.result.recorded')).toHaveLength(e.ab_test_results);
    expect(ofType(events, 'session.ended')).toHaveLength(e.sessions);
    expect(ofType(events, 'page.viewed')).toHaveLength(e.page_views);
    expect(ofType(events, 'interaction.occurred')).toHaveLength(e.events);
    expect(ofType(events, 'product.interacted')).toHaveLength(e.product_interactions);
    expect(ofType(events, 'search.performed')).toHaveLength(e.search_queries);
  });

  it('scales the reference volumes', () => {
    expect(new Dataset({ seed: 1, scale: 0.01, end: END }).expected).toMatchObject({
      customers: 100,
      transactions: 500,
      transaction_items: 1500,
      sessions: 1000,
      page_views: 8000,
      events: 6000,
    });
    expect(() => new Dataset({ seed: 1, scale: 11, end: END })).toThrow(
      'scale must be between 0.01 and 10, got 11',
    );
  });

  it('only refers to customers, campaigns and tests created earlier', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const e of events) {
      const p = e.payload as unknown as Record<string, unknown>;
      const need = (id: unknown) => {
        if (typeof id === 'string' && !seen.has(id))
          problems.push(`${e.event_type} refers to ${id} before it exists`);
      };
      if (e.event_type === 'customer.created') seen.add(e.payload.customer_id);
      else if (e.event_type === 'campaign.upserted') seen.add(e.payload.campaign_id);
      else if (e.event_type === 'ab_test.upserted') {
        need(e.payload.campaign_id);
        seen.add(e.payload.test_id);
      } else {
        need(p.customer_id);
        need(p.campaign_id);
        need(p.test_id);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('follows every online order from a converting session with its purchase, and only those', () => {
    const sessions = new Map(
      ofType(events, 'session.ended').map((s) => [s.payload.session_id, s.payload]),
    );
    const purchases = new Map(
      ofType(events, 'interaction.occurred')
        .filter((x) => x.payload.interaction_type === 'purchase')
        .map((x) => [x.payload.transaction_id, x]),
    );
    const online = ofType(events, 'transaction.created').filter(
      (t) => t.payload.session_id !== null,
    );
    expect(online.length).toBeGreaterThan(0);
    for (const order of online) {
      const session = sessions.get(order.payload.session_id ?? '');
      expect(session).toMatchObject({ converted: true, customer_id: order.payload.customer_id });
      expect(purchases.get(order.payload.transaction_id)?.payload.value).toBe(
        order.payload.total_amount,
      );
    }
    expect([...sessions.values()].filter((s) => s.converted)).toHaveLength(online.length);
    expect(purchases.size).toBe(online.length);
  });

  it('makes spend heavy-tailed: the top tenth of customers bring over a third of revenue', () => {
    const revenue = new Map<string, number>();
    for (const t of ofType(events, 'transaction.created')) {
      revenue.set(
        t.payload.customer_id,
        (revenue.get(t.payload.customer_id) ?? 0) + t.payload.total_amount,
      );
    }
    const sorted = [...revenue.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted
      .slice(0, Math.ceil(dataset.expected.customers / 10))
      .reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.33);
  });

  it('has yearly seasonality: more sessions in November and December than in February and March', () => {
    const { events: big } = collect(3, 0.1);
    const byMonth = new Array<number>(12).fill(0);
    for (const s of ofType(big, 'session.ended')) {
      const month = new Date(s.payload.start_time).getUTCMonth();
      byMonth[month] = (byMonth[month] ?? 0) + 1;
    }
    expect((byMonth[10] ?? 0) + (byMonth[11] ?? 0)).toBeGreaterThan(
      1.4 * ((byMonth[1] ?? 0) + (byMonth[2] ?? 0)),
    );
  });

  it('records the planted lift of every A/B test, with no effect in some and an effect in others', () => {
    const tests = ofType(events, 'ab_test.upserted');
    const lifts = tests.map((t) => t.payload.true_lift);
    expect(lifts.every((l) => l !== null && l >= 0 && l <= 0.3)).toBe(true);
    const results = ofType(events, 'ab_test.result.recorded');
    for (const test of tests) {
      const variants = results
        .filter((r) => r.payload.test_id === test.payload.test_id)
        .map((r) => r.payload.variant)
        .sort();
      expect(variants).toEqual(['control', 'treatment']);
    }
  });

  it('attributes campaign-driven sessions to a campaign running on that day, on its channel', () => {
    const campaigns = new Map(
      ofType(events, 'campaign.upserted').map((c) => [c.payload.campaign_id, c.payload]),
    );
    const attributed = ofType(events, 'session.ended').filter(
      (s) => s.payload.campaign_id !== null,
    );
    expect(attributed.length).toBeGreaterThan(0);
    for (const s of attributed) {
      const c = campaigns.get(s.payload.campaign_id ?? '');
      const day = s.payload.start_time.slice(0, 10);
      expect(c && day >= c.start_date && day <= c.end_date).toBe(true);
    }
  });

  it("plants the saturating response of each channel in the campaigns' daily revenue", () => {
    const { events: larger } = collect(7, 0.2);
    const campaigns = new Map(
      ofType(larger, 'campaign.upserted').map((c) => [c.payload.campaign_id, c.payload]),
    );
    let revenue = 0;
    let expected = 0;
    for (const { payload: p } of ofType(larger, 'campaign.performance.recorded')) {
      const c = campaigns.get(p.campaign_id);
      if (!c) throw new Error(`performance of an unknown campaign ${p.campaign_id}`);
      revenue += p.revenue;
      expected += expectedCampaignRevenue(
        c.channel,
        p.spend,
        c.target_segment as Parameters<typeof expectedCampaignRevenue>[2],
        c.campaign_type,
      );
      expect(p.conversions).toBeLessThanOrEqual(p.clicks);
    }
    // The campaigns' hidden quality averages exp(sigma²/2) ≈ 1.01 and scatters around it.
    expect(revenue / expected).toBeGreaterThan(1 - 4 * CAMPAIGN_QUALITY_SIGMA);
    expect(revenue / expected).toBeLessThan(1 + 4 * CAMPAIGN_QUALITY_SIGMA);
  });
});

describe('expectedCampaignRevenue', () => {
  it('saturates: each extra unit of spend earns less, and never more than the ceiling', () => {
    const at = (s: number) => expectedCampaignRevenue('email', s, null, 'acquisition');
    expect(at(0)).toBe(0);
    expect(at(300)).toBeCloseTo(1_500 * (1 - Math.exp(-1)), 9);
    expect(at(600) - at(300)).toBeLessThan(at(300) - at(0));
    expect(at(1e9)).toBeCloseTo(1_500, 6);
    expect(expectedCampaignRevenue('email', 300, 'Champions', 'seasonal')).toBeCloseTo(
      at(300) * 1.5 * 1.3,
      9,
    );
  });
});

interface VariantTotals {
  test_id: string;
  variant: string;
  participants: number;
  conversions: number;
  revenue: number;
}

/** The end of each test's window (exclusive): the day after its end date. */
function testEnds(events: readonly AmatoEvent[]): Map<string, number> {
  return new Map(
    ofType(events, 'ab_test.upserted').map((t) => [
      t.payload.test_id,
      Date.parse(t.payload.end_date) + DAY_MS,
    ]),
  );
}

/**
 * What a join of exposures and transactions gives, from the events alone: per test and variant,
 * the exposed customers, those with a sale after exposure and before the test ended, and the
 * total of those sales.
 */
function resultsFromExposuresAndOrders(events: readonly AmatoEvent[]): VariantTotals[] {
  const ends = testEnds(events);
  const exposuresOf = new Map<string, EventEnvelope<'ab_test.exposure.recorded'>[]>();
  const totals = new Map<string, VariantTotals & { converted: Set<string>; cents: number }>();
  for (const e of ofType(events, 'ab_test.exposure.recorded')) {
    const p = e.payload;
    exposuresOf.set(p.customer_id, [...(exposuresOf.get(p.customer_id) ?? []), e]);
    const key = `${p.test_id}|${p.variant}`;
    const t = totals.get(key) ?? {
      test_id: p.test_id,
      variant: p.variant,
      participants: 0,
      conversions: 0,
      revenue: 0,
      converted: new Set<string>(),
      cents: 0,
    };
    t.participants++;
    totals.set(key, t);
  }
  for (const order of ofType(events, 'transaction.created')) {
    const at = Date.parse(order.event_time);
    if (!SALES.has(order.payload.order_status)) continue;
    for (const e of exposuresOf.get(order.payload.customer_id) ?? []) {
      const p = e.payload;
      if (at <= Date.parse(p.exposed_at) || at >= (ends.get(p.test_id) ?? 0)) continue;
      const t = totals.get(`${p.test_id}|${p.variant}`);
      t?.converted.add(p.customer_id);
      if (t) t.cents += Math.round(order.payload.total_amount * 100);
    }
  }
  return [...totals.values()]
    .map(({ converted, cents, ...t }) => ({
      ...t,
      conversions: converted.size,
      revenue: cents / 100,
    }))
    .sort((a, b) => `${a.test_id}|${a.variant}`.localeCompare(`${b.test_id}|${b.variant}`));
}

/** Per test: its planted lift and, per variant, the share of exposed customers who converted. */
function observedRates(events: readonly AmatoEvent[]) {
  const ends = testEnds(events);
  const results = new Map(
    ofType(events, 'ab_test.result.recorded').map((r) => [
      `${r.payload.test_id}|${r.payload.variant}`,
      r.payload,
    ]),
  );
  const convertedSessions = new Map<string, number[]>();
  for (const s of ofType(events, 'session.ended')) {
    if (!s.payload.converted || s.payload.customer_id === null) continue;
    const id = s.payload.customer_id;
    convertedSessions.set(id, [
      ...(convertedSessions.get(id) ?? []),
      Date.parse(s.payload.start_time),
    ]);
  }
  // The share of a variant's exposed customers with a converted session after exposure in the test.
  const sessionRate = (test: string, variant: string) => {
    const mine = ofType(events, 'ab_test.exposure.recorded').filter(
      (e) => e.payload.test_id === test && e.payload.variant === variant,
    );
    const until = ends.get(test) ?? 0;
    const converted = mine.filter((e) =>
      (convertedSessions.get(e.payload.customer_id) ?? []).some(
        (t) => t >= Date.parse(e.payload.exposed_at) && t < until,
      ),
    );
    return converted.length / Math.max(1, mine.length);
  };
  return ofType(events, 'ab_test.upserted').map((t) => {
    const id = t.payload.test_id;
    const arm = (variant: string) => {
      const r = results.get(`${id}|${variant}`);
      const n = r?.participants ?? 0;
      return { n, rate: n > 0 ? (r?.conversions ?? 0) / n : 0, sessions: sessionRate(id, variant) };
    };
    return { lift: t.payload.true_lift ?? 0, control: arm('control'), treatment: arm('treatment') };
  });
}

describe('A/B tests in a generated dataset', () => {
  // Denser than the reference (a fifth of its volumes in 120 days instead of 730): ten tests
  // with hundreds of exposed customers each, enough for a planted effect to stand out.
  const events = [...new Dataset({ seed: 1, scale: 0.2, end: END, days: 120 }).events()];

  it('exposes each customer once per test, at their first session during it, in the stable variant', () => {
    const ends = testEnds(events);
    const tests = ofType(events, 'ab_test.upserted').map((t) => t.payload);
    const first = new Map<string, number>();
    for (const s of ofType(events, 'session.ended')) {
      const customer = s.payload.customer_id;
      const start = Date.parse(s.payload.start_time);
      if (customer === null) continue;
      for (const t of tests) {
        if (start < Date.parse(t.start_date) || start >= (ends.get(t.test_id) ?? 0)) continue;
        const key = `${t.test_id}|${customer}`;
        first.set(key, Math.min(first.get(key) ?? start, start));
      }
    }
    const exposures = ofType(events, 'ab_test.exposure.recorded').map((e) => e.payload);
    expect(exposures.length).toBeGreaterThan(1000);
    expect(
      new Map(exposures.map((e) => [`${e.test_id}|${e.customer_id}`, Date.parse(e.exposed_at)])),
    ).toEqual(first);
    expect(exposures).toHaveLength(first.size);
    const split = new Map(tests.map((t) => [t.test_id, t.traffic_split]));
    for (const e of exposures)
      expect(e.variant).toBe(assignVariant(e.test_id, e.customer_id, split.get(e.test_id) ?? 0));
  });

  it('splits each test’s exposed customers by its traffic split, within binomial tolerance', () => {
    const split = new Map(
      ofType(events, 'ab_test.upserted').map((t) => [t.payload.test_id, t.payload.traffic_split]),
    );
    const counts = new Map<string, { n: number; treated: number }>();
    for (const e of ofType(events, 'ab_test.exposure.recorded')) {
      const c = counts.get(e.payload.test_id) ?? { n: 0, treated: 0 };
      c.n++;
      if (e.payload.variant === 'treatment') c.treated++;
      counts.set(e.payload.test_id, c);
    }
    expect(counts.size).toBe(split.size);
    const outside = [...counts].filter(([test, { n, treated }]) => {
      const p = split.get(test) ?? 0;
      return Math.abs(treated - n * p) > 4 * Math.sqrt(n * p * (1 - p)) + 1;
    });
    expect(outside).toEqual([]);
  });

  it.each([
    ['this dense dataset', events],
    ['a dataset at the reference density', collect().events],
  ])('records results that exposures joined with orders reproduce exactly, in %s', (_, events) => {
    const recorded = ofType(events, 'ab_test.result.recorded')
      .map(({ payload: { period_start: _s, period_end: _e, ...totals } }) => totals)
      .sort((a, b) => `${a.test_id}|${a.variant}`.localeCompare(`${b.test_id}|${b.variant}`));
    const joined = resultsFromExposuresAndOrders(events);
    expect(recorded.filter((r) => r.participants > 0)).toEqual(joined);
    expect(recorded.filter((r) => r.participants === 0).every((r) => r.conversions === 0)).toBe(
      true,
    );
    expect(joined.reduce((n, r) => n + r.conversions, 0)).toBeGreaterThan(0);
  });

  it('plants the lift in treatment customers’ orders and sessions, and none in A/A tests', () => {
    const tests = observedRates(events).filter((t) => t.control.n >= 20 && t.treatment.n >= 20);
    const summary = (lifted: boolean) => {
      const group = tests.filter((t) => t.lift > 0 === lifted);
      const mean = (f: (t: (typeof group)[number]) => number) =>
        group.reduce((sum, t) => sum + f(t), 0) / group.length;
      const variance = group.reduce(
        (sum, { control: c, treatment: t }) =>
          sum + (c.rate * (1 - c.rate)) / c.n + (t.rate * (1 - t.rate)) / t.n,
        0,
      );
      return {
        tests: group.length,
        orders: mean((t) => t.treatment.rate - t.control.rate),
        sessions: mean((t) => t.treatment.sessions - t.control.sessions),
        standardError: Math.sqrt(variance) / group.length,
      };
    };
    const lifted = summary(true);
    const flat = summary(false);
    expect(lifted.tests).toBeGreaterThanOrEqual(3);
    expect(flat.tests).toBeGreaterThanOrEqual(3);
    expect(lifted.orders).toBeGreaterThan(3 * lifted.standardError);
    expect(lifted.sessions).toBeGreaterThan(3 * lifted.standardError);
    expect(Math.abs(flat.orders)).toBeLessThan(3 * flat.standardError);
    expect(Math.abs(flat.sessions)).toBeLessThan(3 * flat.standardError);
  });
});
