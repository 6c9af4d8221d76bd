import type { TransactionPayload } from '@amato/contracts';
import {
  assignVariant,
  type ExperimentWindow,
  ExperimentTally,
  type Exposure,
  findExposures,
  plantLift,
  type Visit,
} from './experiments';
import { Random } from './random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function customerIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `CUST_${String(i + 1).padStart(6, '0')}`);
}

/** Within `sigmas` standard deviations of a binomial(n, p) count. */
function withinBinomial(count: number, n: number, p: number, sigmas = 4): boolean {
  return Math.abs(count - n * p) <= sigmas * Math.sqrt(n * p * (1 - p));
}

function order(
  customer: string,
  total: number,
  status: TransactionPayload['order_status'] = 'delivered',
): TransactionPayload {
  return {
    transaction_id: 'TXN_00000001',
    customer_id: customer,
    total_amount: total,
    currency: 'EUR',
    payment_method: 'card',
    order_status: status,
    channel: 'store',
    session_id: null,
    items: [],
  };
}

describe(assignVariant.name, () => {
  const ids = customerIds(20_000);

  it('gives a customer the same variant of a test every time, in any order of asking', () => {
    const forward = ids.map((id) => assignVariant('TEST_0001', id, 0.5));
    const backward = [...ids].reverse().map((id) => assignVariant('TEST_0001', id, 0.5));
    expect(backward.reverse()).toEqual(forward);
  });

  it.each([0.3, 0.4, 0.5])(
    'puts a share %p of customers in treatment, within binomial tolerance',
    (split) => {
      const treated = ids.filter((id) => assignVariant('TEST_0007', id, split) === 'treatment');
      expect(withinBinomial(treated.length, ids.length, split)).toBe(true);
    },
  );

  it('assigns independently in different tests', () => {
    const same = ids.filter(
      (id) => assignVariant('TEST_0001', id, 0.5) === assignVariant('TEST_0002', id, 0.5),
    );
    expect(withinBinomial(same.length, ids.length, 0.5)).toBe(true);
  });

  it('keeps a treated customer treated when the split grows', () => {
    const atThird = ids.filter((id) => assignVariant('TEST_0003', id, 0.3) === 'treatment');
    expect(atThird.every((id) => assignVariant('TEST_0003', id, 0.5) === 'treatment')).toBe(true);
  });
});

describe(findExposures.name, () => {
  const ids = customerIds(3);
  const test: ExperimentWindow = {
    id: 'TEST_0001',
    from: 10 * DAY,
    until: 20 * DAY,
    split: 0.5,
    lift: 0,
  };

  it('exposes each known customer once per test, at their first visit in its window', () => {
    const visits: Visit[] = [
      { customer: 0, start: 9 * DAY, converting: false },
      { customer: 0, start: 11 * DAY, converting: true },
      { customer: -1, start: 12 * DAY, converting: false },
      { customer: 0, start: 13 * DAY, converting: false },
      { customer: 1, start: 19 * DAY, converting: false },
      { customer: 2, start: 20 * DAY, converting: false },
    ];
    const exposures = findExposures([test, { ...test, id: 'TEST_0002' }], visits, ids);
    expect(exposures.map((e) => [e.test, e.customer, e.at, e.visit])).toEqual([
      [0, 0, 11 * DAY, 1],
      [0, 1, 19 * DAY, 4],
      [1, 0, 11 * DAY, 1],
      [1, 1, 19 * DAY, 4],
    ]);
    for (const e of exposures)
      expect(e.variant).toBe(
        assignVariant(e.test === 0 ? 'TEST_0001' : 'TEST_0002', ids[e.customer] ?? '', 0.5),
      );
  });
});

describe(plantLift.name, () => {
  /**
   * Customers who each visit once during a test; some also order then (the natural rate), most
   * order in a session after it: what the lift can be planted from.
   */
  function population(customers: number, natural: number, seed = 1) {
    const random = new Random(seed);
    const test: ExperimentWindow = {
      id: 'TEST_0001',
      from: 30 * DAY,
      until: 44 * DAY,
      split: 0.5,
      lift: 0.4,
    };
    const visits: Visit[] = [];
    for (let c = 0; c < customers; c++) {
      visits.push({
        customer: c,
        start: random.uniform(0, 30 * DAY),
        converting: random.chance(0.5),
      });
      visits.push({
        customer: c,
        start: random.uniform(test.from, test.until - HOUR),
        converting: random.chance(natural),
      });
      visits.push({
        customer: c,
        start: random.uniform(test.until, 90 * DAY),
        converting: random.chance(0.8),
      });
    }
    visits.sort((a, b) => a.start - b.start);
    const ids = customerIds(customers);
    return { test, visits, ids, exposures: findExposures([test], visits, ids) };
  }

  /** Per variant, the share of exposed customers with an ordering visit after exposure in the window. */
  function rates(
    test: ExperimentWindow,
    visits: readonly Visit[],
    exposures: readonly Exposure[],
    slot: Int32Array,
  ) {
    const at = (v: number) => visits[slot[v] ?? v]?.start ?? 0;
    const exposureOf = new Map(exposures.map((e) => [e.customer, e]));
    const converted = new Set<number>();
    visits.forEach((visit, v) => {
      if (!visit.converting) return;
      const e = exposureOf.get(visit.customer);
      if (e && at(v) >= e.at && at(v) < test.until) converted.add(visit.customer);
    });
    const rate = (variant: string) => {
      const mine = exposures.filter((e) => e.variant === variant);
      return mine.filter((e) => converted.has(e.customer)).length / mine.length;
    };
    return { control: rate('control'), treatment: rate('treatment') };
  }

  it('moves nothing when no test has a lift', () => {
    const { test, visits, exposures } = population(500, 0.3);
    const slot = plantLift([{ ...test, lift: 0 }], visits, exposures, [], new Random(2));
    expect([...slot]).toEqual(visits.map((_, v) => v));
  });

  it('raises the treatment conversion rate by the lift and leaves control as it was', () => {
    const { test, visits, exposures } = population(8_000, 0.3);
    const none = rates(
      test,
      visits,
      exposures,
      Int32Array.from(visits, (_, v) => v),
    );
    const after = rates(
      test,
      visits,
      exposures,
      plantLift([test], visits, exposures, [], new Random(2)),
    );
    expect(after.control).toBe(none.control);
    // Planted on the pooled natural rate: 1.4 × 0.3 = 0.42, give or take the sampling.
    expect(after.treatment).toBeGreaterThan(0.39);
    expect(after.treatment).toBeLessThan(0.45);
    expect(after.treatment / after.control).toBeGreaterThan(1.25);
  });

  it('only trades times between one customer’s sessions, and never touches what precedes an exposure', () => {
    const { test, visits, exposures } = population(2_000, 0.3);
    const slot = plantLift([test], visits, exposures, [], new Random(3));
    const timesOf = (pick: (v: number) => number) => {
      const times = new Map<number, number[]>();
      visits.forEach((visit, v) =>
        times.set(visit.customer, [...(times.get(visit.customer) ?? []), pick(v)]),
      );
      for (const list of times.values()) list.sort((a, b) => a - b);
      return times;
    };
    expect(timesOf((v) => visits[slot[v] ?? v]?.start ?? 0)).toEqual(
      timesOf((v) => visits[v]?.start ?? 0),
    );
    const moved = visits.map((_, v) => v).filter((v) => slot[v] !== v);
    expect(moved.length).toBeGreaterThan(0);
    const exposedAt = new Map(exposures.map((e) => [e.customer, e.at]));
    for (const v of moved) {
      const since = exposedAt.get(visits[v]?.customer ?? -1) ?? Number.POSITIVE_INFINITY;
      expect(visits[v]?.start).toBeGreaterThanOrEqual(since);
      expect(visits[slot[v] ?? v]?.start).toBeGreaterThanOrEqual(since);
    }
  });
});

describe(ExperimentTally.name, () => {
  const ids = customerIds(2);
  const tests: ExperimentWindow[] = [
    { id: 'TEST_0001', from: 10 * DAY, until: 20 * DAY, split: 0.5, lift: 0 },
  ];
  const exposures: Exposure[] = [
    { test: 0, customer: 0, at: 12 * DAY, visit: 0, variant: 'treatment' },
    { test: 0, customer: 1, at: 11 * DAY, visit: 1, variant: 'control' },
  ];

  it('counts a customer once, sums their sales after exposure and before the end, and nothing else', () => {
    const tally = new ExperimentTally(tests, exposures, ExperimentTally.index(exposures, ids));
    tally.record(order('CUST_000001', 10), 11 * DAY);
    tally.record(order('CUST_000001', 20.1), 13 * DAY);
    tally.record(order('CUST_000001', 30.2), 14 * DAY);
    tally.record(order('CUST_000001', 40), 15 * DAY);
    tally.record(order('CUST_000001', 50, 'returned'), 16 * DAY);
    tally.record(order('CUST_000001', 60), 20 * DAY);
    tally.record(order('CUST_000002', 70, 'cancelled'), 12 * DAY);
    tally.record(order('CUST_999999', 80), 12 * DAY);
    expect(tally.result(0, 'treatment')).toEqual({
      participants: 1,
      conversions: 1,
      revenue: 90.3,
    });
    expect(tally.result(0, 'control')).toEqual({ participants: 1, conversions: 0, revenue: 0 });
  });
});
