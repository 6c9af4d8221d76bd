import { type Static, type TNumber, type TUnsafe, Type as T } from '@sinclair/typebox';
import {
  CHURN_HORIZON_DAYS,
  CLV_HORIZON_MONTHS,
  ENGAGED_SCORE,
  FREQUENCY_CUTOFFS,
  LATENESS_DAYS,
  MOBILE_SHARE,
  MONETARY_CUTOFFS,
  RECENCY_CUTOFFS_DAYS,
  WINDOW_DAYS,
  type WindowDays,
} from './spec';

/**
 * What each feature means, in words: the documentation of the specification in spec.ts and
 * derive.ts. The HTTP API publishes it as the OpenAPI schema of its responses, and
 * docs/features.md is printed from it (`npx tsx libs/features/src/print-docs.ts`).
 */
export const FEATURE_DOCS = {
  recency_days: `Whole days from the last sale to the as-of moment. Never bought: days since registration, or ${CHURN_HORIZON_DAYS} when that is unknown.`,
  frequency: 'Sales: distinct transactions with status completed, shipped or delivered.',
  monetary_value: 'Sum of the total_amount of those sales.',
  recency_score: `1–5 by recency_days at ${RECENCY_CUTOFFS_DAYS.join('/')} days (5: most recent).`,
  frequency_score: `1–5 by frequency at ${FREQUENCY_CUTOFFS.join('/')} sales (5: most).`,
  monetary_score: `1–5 by monetary_value at ${MONETARY_CUTOFFS.join('/')} (5: most).`,
  rfm_score: 'recency_score × 100 + frequency_score × 10 + monetary_score, e.g. 544.',
  customer_lifetime_value: `monetary_value + avg_order_value × purchase_velocity × ${CLV_HORIZON_MONTHS} × (1 − churn_risk): value so far plus the expected next ${CLV_HORIZON_MONTHS} months.`,
  total_sessions: 'Finished sessions (session.ended events).',
  avg_session_duration: 'Mean session duration in seconds (0 without sessions).',
  total_page_views: 'Page views (page.viewed events).',
  conversion_events: 'Purchase interactions.',
  add_to_cart_events: 'Add-to-cart interactions.',
  search_queries: 'Searches.',
  product_interactions: 'Product interactions (views, zooms, reviews read, …).',
  unique_products_viewed: 'Distinct products over page views and product interactions.',
  avg_engagement_score:
    'Mean session engagement, 0–100: 35 points for depth (10+ pages), 35 for time (15+ minutes), 10 for not bouncing, 20 for converting.',
  cart_abandonment_rate: 'Share of the sessions with an add to cart that had no purchase.',
  bounce_rate: 'Share of sessions that bounced.',
  return_visitor_rate: 'Share of sessions after the first: (sessions − 1) / sessions.',
  purchase_velocity:
    'Sales per 30 days since the customer started (registration or first sale; at least one month).',
  engagement_score_normalized: 'avg_engagement_score / 100.',
  session_intensity: 'Page views per session.',
  conversion_efficiency: 'Purchase interactions per session.',
  search_intensity: 'Searches per session.',
  product_exploration: 'Distinct products per session.',
  cart_behavior: 'Add-to-carts per session.',
  rfm_composite: 'Mean of the three R, F, M scores.',
  value_engagement_ratio: 'monetary_value / max(1, avg_engagement_score).',
  churn_risk: `min(1, recency_days / ${CHURN_HORIZON_DAYS}).`,
  upsell_potential:
    'avg_order_value × (5 − frequency_score) × engagement_score_normalized: order value an engaged customer could add by buying more often.',
  lifetime_value_potential: 'customer_lifetime_value × engagement_score_normalized.',
  is_high_value: '1 when monetary_score is 4 or 5.',
  is_engaged: `1 when avg_engagement_score is at least ${ENGAGED_SCORE}.`,
  is_mobile_user: `1 when at least ${MOBILE_SHARE * 100}% of sessions were on a phone.`,
  is_return_visitor: '1 with more than one session.',
} as const;

type FeatureName = keyof typeof FEATURE_DOCS;
/** The 0/1 indicators of the vector. */
type FlagName = Extract<FeatureName, `is_${string}`>;

/** 0 or 1, typed so; in the schema an integer with bounds, which OpenAPI 3.0 can express. */
const Flag = (description: string): TUnsafe<0 | 1> =>
  T.Unsafe<0 | 1>(T.Integer({ minimum: 0, maximum: 1, description }));

function featuresSchema() {
  // Object.fromEntries forgets the keys; FEATURE_DOCS has them.
  const properties = Object.fromEntries(
    Object.entries(FEATURE_DOCS).map(([name, description]) => [
      name,
      name.startsWith('is_') ? Flag(description) : T.Number({ description }),
    ]),
  ) as { [K in FeatureName]: K extends FlagName ? TUnsafe<0 | 1> : TNumber };
  return T.Object(properties, { description: 'The 36-field segmentation feature vector.' });
}

const windowDocs = {
  orders: 'Sales',
  revenue: 'Revenue of sales',
  sessions: 'Sessions',
  page_views: 'Page views',
} as const;

function windowsSchema() {
  // Object.fromEntries forgets the keys; WINDOW_DAYS and windowDocs make them.
  const properties = Object.fromEntries(
    WINDOW_DAYS.flatMap((n) =>
      Object.entries(windowDocs).map(([name, doc]) => [
        `${name}_${n}d`,
        T.Number({
          description: `${doc} in the ${n} days up to the as-of moment (event time, today included).`,
        }),
      ]),
    ),
  ) as Record<`${keyof typeof windowDocs}_${WindowDays}d`, TNumber>;
  return T.Object(properties, {
    description: `Rolling windows over day buckets of event time. Exact for any as-of moment from ${LATENESS_DAYS} days before the customer's newest event on; an event more than ${Math.max(...WINDOW_DAYS) + LATENESS_DAYS} days older than the newest counts in lifetime totals only.`,
  });
}

const nullableTime = (description: string) =>
  T.Union([T.String({ format: 'date-time' }), T.Null()], { description });

/** The body of GET /customers/:id/features. */
export const CustomerFeaturesSchema = T.Object({
  customer_id: T.String({ description: 'The customer, e.g. CUST_000001.' }),
  as_of: T.String({
    format: 'date-time',
    description: 'The moment the features describe (the as_of parameter, or now).',
  }),
  last_event_time: nullableTime("Newest event time among the customer's events."),
  updated_at: nullableTime('When the stream last changed the values (processing time).'),
  features: featuresSchema(),
  avg_order_value: T.Number({ description: 'monetary_value / frequency (0 without sales).' }),
  windows: windowsSchema(),
  device_mix: T.Object(
    { desktop: T.Number(), mobile: T.Number(), tablet: T.Number() },
    { description: 'Share of sessions per device type.' },
  ),
});

export type CustomerFeatures = Static<typeof CustomerFeaturesSchema>;
/** The segmentation feature vector of the segmentation request, in its order and with its names. */
export type SegmentationFeatures = CustomerFeatures['features'];
export type WindowFeatures = CustomerFeatures['windows'];

/** The body of GET /sessions/:id/journey: a live session's journey so far, what a conversion model reads. */
export const JourneyStateSchema = T.Object({
  session_id: T.String(),
  customer_id: T.Union([T.String(), T.Null()], { description: 'null: anonymous' }),
  pages: T.Integer({ description: 'Page views so far.' }),
  depth: T.Integer({ description: 'Highest page sequence number so far.' }),
  time_on_site_seconds: T.Integer({ description: 'From the first to the latest event.' }),
  cart_adds: T.Integer(),
  purchases: T.Integer(),
  searches: T.Integer(),
  last_page_type: T.Union([T.String(), T.Null()], {
    description: 'Page type of the deepest page so far.',
  }),
  ended: T.Boolean({ description: 'The session.ended event has arrived.' }),
  first_event_time: T.String({ format: 'date-time' }),
  last_event_time: T.String({ format: 'date-time' }),
  updated_at: T.String({ format: 'date-time' }),
});

export type JourneyState = Static<typeof JourneyStateSchema>;
