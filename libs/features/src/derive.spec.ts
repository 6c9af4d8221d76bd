import { type CustomerAggregates, emptyAggregates } from './aggregates';
import {
  ascendingScore,
  deriveFeatures,
  descendingScore,
  purchaseVelocity,
  recencyDays,
  windowFeatures,
} from './derive';
import {
  CHURN_HORIZON_DAYS,
  DAY_MS,
  dayOf,
  FREQUENCY_CUTOFFS,
  MONETARY_CUTOFFS,
  RECENCY_CUTOFFS_DAYS,
  sessionEngagementHundredths,
  toCents,
} from './spec';

const AS_OF = Date.parse('2026-01-31T12:00:00Z');
const daysAgo = (n: number) => AS_OF - n * DAY_MS;

function customer(overrides: Partial<CustomerAggregates> = {}): CustomerAggregates {
  return { ...emptyAggregates('CUST_000001'), ...overrides };
}

/** The reference example customer: 8 orders for 2,500.00, 45 sessions, 180 page views, … */
function seedExample(): CustomerAggregates {
  return customer({
    registeredMs: daysAgo(600),
    orders: 8,
    revenueCents: 250_000,
    firstOrderMs: daysAgo(590),
    lastOrderMs: daysAgo(15),
    sessions: 45,
    sessionSeconds: 45 * 450,
    bounces: 9,
    engagementHundredths: 45 * 8550,
    devices: { desktop: 30, mobile: 10, tablet: 5 },
    pageViews: 180,
    addToCarts: 12,
    purchases: 3,
    searches: 8,
    productInteractions: 25,
    uniqueProducts: 18,
    cartSessions: 8,
    cartSessionsConverted: 6,
  });
}

describe('scores', () => {
  it('scores recency 5 (recent) to 1 (lapsed) at the cut-offs', () => {
    const [a, b, c, d] = RECENCY_CUTOFFS_DAYS;
    expect(
      [0, a, a + 1, b, b + 1, c, c + 1, d, d + 1, 10_000].map((v) =>
        descendingScore(v, RECENCY_CUTOFFS_DAYS),
      ),
    ).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('scores frequency and monetary 1 (least) to 5 (most) at the cut-offs', () => {
    const [a, b, c, d] = FREQUENCY_CUTOFFS;
    expect([0, a - 1, a, b, c, d, 1000].map((v) => ascendingScore(v, FREQUENCY_CUTOFFS))).toEqual([
      1, 1, 2, 3, 4, 5, 5,
    ]);
    expect([0, 99.99, 100, 1499.99, 1500].map((v) => ascendingScore(v, MONETARY_CUTOFFS))).toEqual([
      1, 1, 2, 4, 5,
    ]);
  });
});

describe('recencyDays', () => {
  it('counts whole days since the last sale', () => {
    expect(recencyDays(customer({ lastOrderMs: daysAgo(15) }), AS_OF)).toBe(15);
    expect(recencyDays(customer({ lastOrderMs: daysAgo(15) + 1 }), AS_OF)).toBe(14);
  });

  it('falls back to registration, then to the churn horizon, for a customer who never bought', () => {
    expect(recencyDays(customer({ registeredMs: daysAgo(40) }), AS_OF)).toBe(40);
    expect(recencyDays(customer(), AS_OF)).toBe(CHURN_HORIZON_DAYS);
  });

  it('is 0, not negative, for a sale after the as-of moment', () => {
    expect(recencyDays(customer({ lastOrderMs: AS_OF + DAY_MS }), AS_OF)).toBe(0);
  });
});

describe('purchaseVelocity', () => {
  it('is sales per 30 days since the customer started', () => {
    expect(
      purchaseVelocity(customer({ orders: 8, registeredMs: daysAgo(600) }), AS_OF),
    ).toBeCloseTo(0.4, 12);
    // A first sale before the registration on record starts the tenure.
    expect(
      purchaseVelocity(
        customer({ orders: 4, registeredMs: daysAgo(60), firstOrderMs: daysAgo(120) }),
        AS_OF,
      ),
    ).toBeCloseTo(1, 12);
  });

  it('counts a tenure under a month as one month, and is 0 without sales', () => {
    expect(purchaseVelocity(customer({ orders: 3, registeredMs: daysAgo(2) }), AS_OF)).toBe(3);
    expect(purchaseVelocity(customer({ registeredMs: daysAgo(100) }), AS_OF)).toBe(0);
  });
});

describe('windowFeatures', () => {
  it('sums the day buckets of the last 7, 30 and 90 days, today included', () => {
    const today = dayOf(AS_OF);
    const days = new Map([
      [today, { orders: 1, revenueCents: 1000, sessions: 2, pageViews: 5 }],
      [today - 6, { orders: 1, revenueCents: 500, sessions: 1, pageViews: 1 }],
      [today - 7, { orders: 2, revenueCents: 250, sessions: 1, pageViews: 1 }],
      [today - 89, { orders: 1, revenueCents: 1, sessions: 1, pageViews: 1 }],
      [today - 90, { orders: 9, revenueCents: 9, sessions: 9, pageViews: 9 }],
      [today + 1, { orders: 9, revenueCents: 9, sessions: 9, pageViews: 9 }],
    ]);
    expect(windowFeatures(customer({ days }), AS_OF)).toEqual({
      orders_7d: 2,
      revenue_7d: 15,
      sessions_7d: 3,
      page_views_7d: 6,
      orders_30d: 4,
      revenue_30d: 17.5,
      sessions_30d: 4,
      page_views_30d: 7,
      orders_90d: 5,
      revenue_90d: 17.51,
      sessions_90d: 5,
      page_views_90d: 8,
    });
  });
});

describe('deriveFeatures', () => {
  it('reproduces the reference example ratios', () => {
    const { features: f, avg_order_value } = deriveFeatures(seedExample(), AS_OF);
    expect(f).toMatchObject({
      recency_days: 15,
      frequency: 8,
      monetary_value: 2500,
      recency_score: 4,
      frequency_score: 5,
      monetary_score: 5,
      rfm_score: 455,
      total_sessions: 45,
      avg_session_duration: 450,
      total_page_views: 180,
      conversion_events: 3,
      add_to_cart_events: 12,
      search_queries: 8,
      product_interactions: 25,
      unique_products_viewed: 18,
      is_high_value: 1,
      is_engaged: 1,
      is_mobile_user: 0,
      is_return_visitor: 1,
    });
    expect(avg_order_value).toBe(312.5);
    expect(f.avg_engagement_score).toBeCloseTo(85.5, 12);
    expect(f.engagement_score_normalized).toBeCloseTo(0.855, 12);
    expect(f.session_intensity).toBe(4);
    expect(f.conversion_efficiency).toBeCloseTo(3 / 45, 12);
    expect(f.search_intensity).toBeCloseTo(8 / 45, 12);
    expect(f.product_exploration).toBeCloseTo(0.4, 12);
    expect(f.cart_behavior).toBeCloseTo(12 / 45, 12);
    expect(f.bounce_rate).toBeCloseTo(0.2, 12);
    expect(f.return_visitor_rate).toBeCloseTo(44 / 45, 12);
    expect(f.cart_abandonment_rate).toBeCloseTo(0.25, 12);
    expect(f.value_engagement_ratio).toBeCloseTo(2500 / 85.5, 10);
    expect(f.purchase_velocity).toBeCloseTo(0.4, 12);
    expect(f.churn_risk).toBeCloseTo(15 / CHURN_HORIZON_DAYS, 12);
    const clv = 2500 + 312.5 * 0.4 * 12 * (1 - 15 / CHURN_HORIZON_DAYS);
    expect(f.customer_lifetime_value).toBeCloseTo(clv, 9);
    expect(f.lifetime_value_potential).toBeCloseTo(clv * 0.855, 9);
    expect(f.upsell_potential).toBe(0);
    expect(f.rfm_composite).toBeCloseTo(14 / 3, 12);
  });

  it('gives every feature a finite number for a customer the stream has seen nothing of', () => {
    const { features } = deriveFeatures(customer(), AS_OF);
    for (const [name, value] of Object.entries(features)) {
      expect([name, Number.isFinite(value)]).toEqual([name, true]);
    }
    expect(features).toMatchObject({
      recency_days: CHURN_HORIZON_DAYS,
      frequency: 0,
      monetary_value: 0,
      rfm_score: 111,
      churn_risk: 1,
      customer_lifetime_value: 0,
      is_return_visitor: 0,
      is_mobile_user: 0,
    });
  });

  it('names all 36 fields of the segmentation request', () => {
    expect(Object.keys(deriveFeatures(seedExample(), AS_OF).features)).toHaveLength(36);
  });

  it('counts a mobile user from half of the sessions on a phone', () => {
    const half = customer({ sessions: 4, devices: { desktop: 2, mobile: 2, tablet: 0 } });
    const less = customer({ sessions: 5, devices: { desktop: 3, mobile: 2, tablet: 0 } });
    expect(deriveFeatures(half, AS_OF).features.is_mobile_user).toBe(1);
    expect(deriveFeatures(less, AS_OF).features.is_mobile_user).toBe(0);
    expect(deriveFeatures(half, AS_OF).device_mix).toEqual({
      desktop: 0.5,
      mobile: 0.5,
      tablet: 0,
    });
  });

  it('states the moment, the newest event and the last update', () => {
    const out = deriveFeatures(customer({ lastEventMs: daysAgo(1), updatedMs: AS_OF - 5 }), AS_OF);
    expect(out.as_of).toBe('2026-01-31T12:00:00.000Z');
    expect(out.last_event_time).toBe('2026-01-30T12:00:00.000Z');
    expect(out.updated_at).toBe('2026-01-31T11:59:59.995Z');
  });
});

describe('sessionEngagementHundredths', () => {
  const session = { page_views: 0, duration_seconds: 0, is_bounce: true, converted: false };

  it('is 0 for an empty bounce and 10,000 (100 points) for a deep, long, converting visit', () => {
    expect(sessionEngagementHundredths(session)).toBe(0);
    expect(
      sessionEngagementHundredths({
        page_views: 25,
        duration_seconds: 5000,
        is_bounce: false,
        converted: true,
      }),
    ).toBe(10_000);
  });

  it('is an integer for any duration, so sums are exact', () => {
    for (const duration_seconds of [1, 7, 299, 451, 899]) {
      expect(Number.isInteger(sessionEngagementHundredths({ ...session, duration_seconds }))).toBe(
        true,
      );
    }
  });
});

describe('toCents', () => {
  it('rounds amounts to whole cents', () => {
    expect([0.1 + 0.2, 19.99, 1e6, 0.005].map(toCents)).toEqual([30, 1999, 100_000_000, 1]);
  });
});
