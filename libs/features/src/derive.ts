import type { CustomerAggregates } from './aggregates';
import type { CustomerFeatures, SegmentationFeatures, WindowFeatures } from './features.schema';
import {
  CHURN_HORIZON_DAYS,
  CLV_HORIZON_MONTHS,
  DAY_MS,
  dayOf,
  ENGAGED_SCORE,
  FREQUENCY_CUTOFFS,
  MOBILE_SHARE,
  MONETARY_CUTOFFS,
  RECENCY_CUTOFFS_DAYS,
  WINDOW_DAYS,
} from './spec';

/** Score 1–5 where higher values are better: the number of cut-offs reached, plus one. */
export function ascendingScore(value: number, cutoffs: readonly number[]): number {
  return 1 + cutoffs.filter((c) => value >= c).length;
}

/** Score 1–5 where lower values are better (recency): 5 up to the first cut-off, and so on. */
export function descendingScore(value: number, cutoffs: readonly number[]): number {
  return 5 - cutoffs.filter((c) => value > c).length;
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * Days since the last sale; for a customer who never bought, days since registration (a
 * dormant account is as stale as a lapsed buyer), or CHURN_HORIZON_DAYS when that is unknown.
 */
export function recencyDays(a: CustomerAggregates, asOfMs: number): number {
  const since = a.lastOrderMs ?? a.registeredMs;
  if (since === null) return CHURN_HORIZON_DAYS;
  return Math.max(0, Math.floor((asOfMs - since) / DAY_MS));
}

/** Sales per 30 days since the customer started (registration, or first sale if earlier). */
export function purchaseVelocity(a: CustomerAggregates, asOfMs: number): number {
  const starts = [a.registeredMs, a.firstOrderMs].filter((t): t is number => t !== null);
  if (a.orders === 0 || starts.length === 0) return 0;
  const tenureDays = Math.max(0, (asOfMs - Math.min(...starts)) / DAY_MS);
  return a.orders / Math.max(1, tenureDays / 30);
}

export function windowFeatures(a: CustomerAggregates, asOfMs: number): WindowFeatures {
  const today = dayOf(asOfMs);
  const out: Record<string, number> = {};
  for (const n of WINDOW_DAYS) {
    let orders = 0;
    let cents = 0;
    let sessions = 0;
    let pageViews = 0;
    for (const [day, b] of a.days) {
      if (day > today - n && day <= today) {
        orders += b.orders;
        cents += b.revenueCents;
        sessions += b.sessions;
        pageViews += b.pageViews;
      }
    }
    out[`orders_${n}d`] = orders;
    out[`revenue_${n}d`] = cents / 100;
    out[`sessions_${n}d`] = sessions;
    out[`page_views_${n}d`] = pageViews;
  }
  return out as WindowFeatures;
}

/** Features of one customer as of a moment, from the aggregates the stream keeps. Pure. */
export function deriveFeatures(a: CustomerAggregates, asOfMs: number): CustomerFeatures {
  const monetary = a.revenueCents / 100;
  const recency = recencyDays(a, asOfMs);
  const r = descendingScore(recency, RECENCY_CUTOFFS_DAYS);
  const f = ascendingScore(a.orders, FREQUENCY_CUTOFFS);
  const m = ascendingScore(monetary, MONETARY_CUTOFFS);
  const aov = ratio(monetary, a.orders);
  const velocity = purchaseVelocity(a, asOfMs);
  const churnRisk = Math.min(1, recency / CHURN_HORIZON_DAYS);
  const clv = monetary + aov * velocity * CLV_HORIZON_MONTHS * (1 - churnRisk);
  const avgEngagement = ratio(a.engagementHundredths, a.sessions) / 100;
  const engagementNormalized = avgEngagement / 100;
  const sessions = a.sessions;
  const features: SegmentationFeatures = {
    recency_days: recency,
    frequency: a.orders,
    monetary_value: monetary,
    recency_score: r,
    frequency_score: f,
    monetary_score: m,
    rfm_score: r * 100 + f * 10 + m,
    customer_lifetime_value: clv,
    total_sessions: sessions,
    avg_session_duration: ratio(a.sessionSeconds, sessions),
    total_page_views: a.pageViews,
    conversion_events: a.purchases,
    add_to_cart_events: a.addToCarts,
    search_queries: a.searches,
    product_interactions: a.productInteractions,
    unique_products_viewed: a.uniqueProducts,
    avg_engagement_score: avgEngagement,
    cart_abandonment_rate: a.cartSessions > 0 ? 1 - a.cartSessionsConverted / a.cartSessions : 0,
    bounce_rate: ratio(a.bounces, sessions),
    return_visitor_rate: ratio(Math.max(0, sessions - 1), sessions),
    purchase_velocity: velocity,
    engagement_score_normalized: engagementNormalized,
    session_intensity: ratio(a.pageViews, sessions),
    conversion_efficiency: ratio(a.purchases, sessions),
    search_intensity: ratio(a.searches, sessions),
    product_exploration: ratio(a.uniqueProducts, sessions),
    cart_behavior: ratio(a.addToCarts, sessions),
    rfm_composite: (r + f + m) / 3,
    value_engagement_ratio: monetary / Math.max(1, avgEngagement),
    churn_risk: churnRisk,
    upsell_potential: aov * (5 - f) * engagementNormalized,
    lifetime_value_potential: clv * engagementNormalized,
    is_high_value: m >= 4 ? 1 : 0,
    is_engaged: avgEngagement >= ENGAGED_SCORE ? 1 : 0,
    is_mobile_user: ratio(a.devices.mobile, sessions) >= MOBILE_SHARE && sessions > 0 ? 1 : 0,
    is_return_visitor: sessions > 1 ? 1 : 0,
  };
  return {
    customer_id: a.customerId,
    as_of: new Date(asOfMs).toISOString(),
    last_event_time: iso(a.lastEventMs),
    updated_at: iso(a.updatedMs),
    features,
    avg_order_value: aov,
    windows: windowFeatures(a, asOfMs),
    device_mix: {
      desktop: ratio(a.devices.desktop, sessions),
      mobile: ratio(a.devices.mobile, sessions),
      tablet: ratio(a.devices.tablet, sessions),
    },
  };
}
