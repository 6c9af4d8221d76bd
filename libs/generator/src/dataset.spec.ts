import { createHash } from 'node:crypto';
import { type AmatoEvent, type EventEnvelope, validateEvent } from '@amato/contracts';
import { Dataset } from './dataset';

const END = new Date('2026-01-01T00:00:00Z');

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
});
