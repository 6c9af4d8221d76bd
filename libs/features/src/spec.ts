/**
 * The one specification of AMATO's customer features. The stream processor keeps the raw
 * aggregates (counts and sums, see aggregates.ts) current in Redis; `deriveFeatures` turns them
 * into features as of a moment; the batch layer computes the same aggregates in SQL and derives
 * the same way. Every constant a feature depends on is here, and FEATURE_DOCS says what each
 * feature means (it feeds docs/features.md and the OpenAPI schema).
 */

export const DAY_MS = 86_400_000;

/** Rolling windows, in days of event time. */
export const WINDOW_DAYS = [7, 30, 90] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];

/**
 * Lateness bound. Day buckets are kept for the longest window plus this many days behind a
 * customer's newest event; an event older than that still counts in the lifetime totals but
 * not in the windows. So windows are exact as of any moment no more than LATENESS_DAYS before
 * the customer's newest event, and in particular as of now.
 */
export const LATENESS_DAYS = 7;
export const BUCKET_RETENTION_DAYS = Math.max(...WINDOW_DAYS) + LATENESS_DAYS;
/**
 * Buckets past the retention are deleted when the newest day enters a new period of this many
 * days; until then they are stored but not read.
 */
export const BUCKET_PRUNE_EVERY_DAYS = 7;

/** Orders in these states are sales; returned and cancelled ones count for neither F nor M. */
export const SALE_STATUSES: ReadonlySet<string> = new Set(['completed', 'shipped', 'delivered']);

/**
 * R, F and M scores 1–5 by fixed cut-offs (score 5 is best: most recent, most frequent, most
 * spent). Fixed rather than population quintiles so a customer's score never changes because
 * of somebody else's purchase, and the stream and the batch layer agree without coordination.
 * Cut-offs are set near the quintiles of the reference data set (seed 42, as of its end:
 * recency 9/26/66/217 days, frequency 1/2/3/6 sales, monetary 99/354/749/1533).
 */
export const RECENCY_CUTOFFS_DAYS = [14, 30, 60, 180] as const; // <=14: 5, <=30: 4, …, >180: 1
export const FREQUENCY_CUTOFFS = [2, 3, 4, 7] as const; // <2: 1, 2: 2, 3: 3, 4–6: 4, >=7: 5
export const MONETARY_CUTOFFS = [100, 350, 750, 1500] as const; // <100: 1, …, >=1500: 5

/** A customer with no purchase for this many days has churn risk 1. */
export const CHURN_HORIZON_DAYS = 365;
/** Months of expected future purchases in the lifetime value estimate. */
export const CLV_HORIZON_MONTHS = 12;
/** Average engagement (0–100) from which a customer counts as engaged. */
export const ENGAGED_SCORE = 50;
/** Share of sessions on a phone from which a customer counts as a mobile user. */
export const MOBILE_SHARE = 0.5;

/**
 * A session's engagement, 0–100 in hundredths (integers, so sums are exact in any order):
 * 35 points for depth (10+ pages), 35 for time (15+ minutes), 10 for not bouncing, 20 for
 * converting.
 */
export function sessionEngagementHundredths(session: {
  readonly page_views: number;
  readonly duration_seconds: number;
  readonly is_bounce: boolean;
  readonly converted: boolean;
}): number {
  const depth = Math.min(session.page_views, 10) * 350;
  const time = Math.floor((Math.min(session.duration_seconds, 900) * 3500) / 900);
  return depth + time + (session.is_bounce ? 0 : 1000) + (session.converted ? 2000 : 0);
}

/** Money as integer cents, so sums are exact in any order. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
