import type { TransactionPayload, VARIANTS } from '@amato/contracts';
import type { Random } from './random';

export type Variant = (typeof VARIANTS)[number];

/** Orders that count as a sale; a returned or cancelled order converts no one. */
export const SALE_STATUSES: ReadonlySet<TransactionPayload['order_status']> = new Set([
  'completed',
  'shipped',
  'delivered',
]);

/**
 * A uniform number in [0, 1) from (test, customer) alone: FNV-1a over both ids, then the
 * murmur3 finaliser, without which ids that differ in their last digit land in nearby buckets.
 */
export function assignmentBucket(testId: string, customerId: string): number {
  let h = 2166136261;
  for (let i = 0; i < testId.length; i++) h = Math.imul(h ^ testId.charCodeAt(i), 16777619);
  h = Math.imul(h ^ 0x7c, 16777619);
  for (let i = 0; i < customerId.length; i++) h = Math.imul(h ^ customerId.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * The variant a customer sees in a test. A hash rather than a draw, so the assignment is the
 * same on every visit, in every run and whatever the seed: what a real platform's bucketing does.
 */
export function assignVariant(testId: string, customerId: string, treatmentShare: number): Variant {
  return assignmentBucket(testId, customerId) < treatmentShare ? 'treatment' : 'control';
}

/** An A/B test as the planner sees it: its window [from, until) and the effect it plants. */
export interface ExperimentWindow {
  readonly id: string;
  readonly from: number;
  readonly until: number;
  readonly split: number;
  readonly lift: number;
}

/** A session as the planner sees it: whose (-1 for anonymous), when, and whether it orders. */
export interface Visit {
  readonly customer: number;
  readonly start: number;
  readonly converting: boolean;
}

/** A customer's first visit during a test; `visit` is its index in the visits given. */
export interface Exposure {
  readonly test: number;
  readonly customer: number;
  readonly at: number;
  readonly visit: number;
  readonly variant: Variant;
}

/** First index whose start is at or after `time`, in visits sorted by start. */
function firstAtOrAfter(visits: readonly Visit[], time: number): number {
  let lo = 0;
  let hi = visits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((visits[mid] as Visit).start < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every test's exposures: each known customer with a visit in the window, exposed at the first
 * one. Visits are the site's sessions, sorted by start: the variants are shown on the site, so a
 * customer who only buys in a store during the test never sees one.
 */
export function findExposures(
  tests: readonly ExperimentWindow[],
  visits: readonly Visit[],
  customerIds: readonly string[],
): Exposure[] {
  const exposures: Exposure[] = [];
  const seenIn = new Int32Array(customerIds.length).fill(-1);
  tests.forEach((test, t) => {
    for (let v = firstAtOrAfter(visits, test.from); v < visits.length; v++) {
      const visit = visits[v] as Visit;
      if (visit.start >= test.until) break;
      if (visit.customer < 0 || seenIn[visit.customer] === t) continue;
      seenIn[visit.customer] = t;
      exposures.push({
        test: t,
        customer: visit.customer,
        at: visit.start,
        visit: v,
        variant: assignVariant(test.id, customerIds[visit.customer] ?? '', test.split),
      });
    }
  });
  return exposures;
}

/**
 * Plants each test's lift in what its treatment customers do. A customer converts when they
 * order between their exposure and the end of the test; among the treatment customers who would
 * not, some are made to by trading the time of one of their later ordering sessions with that of
 * one of their sessions in the window, so that P(convert | treatment) = (1 + lift) × P(convert).
 *
 * Trading times between two sessions of one customer keeps every count and the moments the
 * customer is seen, so no exposure moves. The order is pulled forward from after the test, so
 * no customer's spend before this exposure changes. Tests are planted in the order they start,
 * and an order is never taken from a test already planted; one taken from a later test's
 * window is taken whatever the customer's variant there, so that test's arms stay alike.
 *
 * Returns, for each visit, the visit whose time (and the campaign that brought it) it now takes.
 */
export function plantLift(
  tests: readonly ExperimentWindow[],
  visits: readonly Visit[],
  exposures: readonly Exposure[],
  storeOrderTimes: readonly (readonly number[] | undefined)[],
  random: Random,
): Int32Array {
  const slot = Int32Array.from(visits, (_, v) => v);
  const when = (v: number): number => visits[slot[v] ?? v]?.start ?? 0;
  const visitsOf: number[][] = [];
  visits.forEach((visit, v) => {
    if (visit.customer >= 0) (visitsOf[visit.customer] ??= []).push(v);
  });
  const testsOf: number[][] = [];
  const byTest: Exposure[][] = tests.map(() => []);
  for (const e of exposures) {
    (testsOf[e.customer] ??= []).push(e.test);
    byTest[e.test]?.push(e);
  }
  const planted = new Uint8Array(tests.length);
  const inPlanted = (customer: number, time: number): boolean =>
    (testsOf[customer] ?? []).some((t) => {
      const w = tests[t] as ExperimentWindow;
      return planted[t] === 1 && time >= w.from && time < w.until;
    });
  const converts = (e: Exposure, until: number): boolean =>
    (visitsOf[e.customer] ?? []).some(
      (v) => (visits[v] as Visit).converting && when(v) >= e.at && when(v) < until,
    ) || (storeOrderTimes[e.customer] ?? []).some((t) => t > e.at && t < until);

  const chronological = tests
    .map((test, t) => [test.from, t] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, t]) => t);
  for (const t of chronological) {
    const test = tests[t] as ExperimentWindow;
    const mine = byTest[t] ?? [];
    planted[t] = 1;
    if (test.lift <= 0 || mine.length === 0) continue;
    const natural = mine.filter((e) => converts(e, test.until)).length / mine.length;
    if (natural <= 0 || natural >= 1) continue;
    let stayingOut = 0;
    const candidates: { into: number[]; from: number[] }[] = [];
    for (const e of mine) {
      if (e.variant !== 'treatment' || converts(e, test.until)) continue;
      stayingOut++;
      const own = visitsOf[e.customer] ?? [];
      const into = own.filter((v) => when(v) >= e.at && when(v) < test.until);
      const from = own.filter(
        (v) =>
          (visits[v] as Visit).converting &&
          when(v) >= test.until &&
          !inPlanted(e.customer, when(v)),
      );
      if (into.length > 0 && from.length > 0) candidates.push({ into, from });
    }
    if (candidates.length === 0) continue;
    // Only the candidates can be moved, so each is moved with the chance that gives the whole
    // treatment arm its extra (lift × natural) conversions; past 1 the lift falls short.
    const chance = Math.min(
      1,
      (natural * test.lift * stayingOut) / ((1 - natural) * candidates.length),
    );
    for (const { into, from } of candidates) {
      if (!random.chance(chance)) continue;
      const a = random.pick(into);
      const b = random.pick(from);
      const was = slot[a] ?? a;
      slot[a] = slot[b] ?? b;
      slot[b] = was;
    }
  }
  return slot;
}

/**
 * One pass's A/B test results: per test and variant, the exposed customers, those with a sale
 * after their exposure and before the test ends, and those sales' total. Fed every order of the
 * pass in event-time order, it says what a join of exposures and transactions will find.
 */
export class ExperimentTally {
  private readonly converted: Uint8Array;
  private readonly totals: { participants: number; conversions: number; revenueCents: number }[];

  constructor(
    private readonly tests: readonly ExperimentWindow[],
    private readonly exposures: readonly Exposure[],
    private readonly byCustomerId: ReadonlyMap<string, readonly number[]>,
  ) {
    this.converted = new Uint8Array(exposures.length);
    this.totals = Array.from({ length: tests.length * 2 }, () => ({
      participants: 0,
      conversions: 0,
      revenueCents: 0,
    }));
    for (const e of exposures) this.of(e.test, e.variant).participants++;
  }

  /** Indexes of `exposures` by customer id, built once and shared by every pass. */
  static index(exposures: readonly Exposure[], customerIds: readonly string[]) {
    const index = new Map<string, number[]>();
    exposures.forEach((e, i) => {
      const id = customerIds[e.customer] ?? '';
      const list = index.get(id);
      if (list) list.push(i);
      else index.set(id, [i]);
    });
    return index;
  }

  private of(test: number, variant: Variant) {
    return this.totals[test * 2 + (variant === 'treatment' ? 1 : 0)] as {
      participants: number;
      conversions: number;
      revenueCents: number;
    };
  }

  record(order: TransactionPayload, at: number): void {
    const mine = this.byCustomerId.get(order.customer_id);
    if (!mine || !SALE_STATUSES.has(order.order_status)) return;
    for (const i of mine) {
      const e = this.exposures[i] as Exposure;
      if (at <= e.at || at >= (this.tests[e.test] as ExperimentWindow).until) continue;
      const totals = this.of(e.test, e.variant);
      if (this.converted[i] === 0) {
        this.converted[i] = 1;
        totals.conversions++;
      }
      totals.revenueCents += Math.round(order.total_amount * 100);
    }
  }

  result(
    test: number,
    variant: Variant,
  ): { participants: number; conversions: number; revenue: number } {
    const { participants, conversions, revenueCents } = this.of(test, variant);
    return { participants, conversions, revenue: revenueCents / 100 };
  }
}
