import { DEVICE_TYPES } from '@amato/contracts';

export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Per-day counts of one customer, keyed by day number (days since 1970-01-01, UTC). */
export interface DayBucket {
  orders: number;
  revenueCents: number;
  sessions: number;
  pageViews: number;
}

/**
 * What the stream keeps per customer: counts and sums only, so any delivery order gives the
 * same values, and a batch recomputation (SQL GROUP BY) gives them too. Times are epoch ms.
 */
export interface CustomerAggregates {
  customerId: string;
  /** Registration date from the customer's own events; null until one arrived. */
  registeredMs: number | null;
  /** Sales (orders in SALE_STATUSES), counted once per transaction_id. */
  orders: number;
  revenueCents: number;
  firstOrderMs: number | null;
  lastOrderMs: number | null;
  sessions: number;
  sessionSeconds: number;
  bounces: number;
  /** Sum of the sessions' engagement in hundredths of a point (sessionEngagementHundredths). */
  engagementHundredths: number;
  devices: Record<DeviceType, number>;
  pageViews: number;
  addToCarts: number;
  purchases: number;
  searches: number;
  productInteractions: number;
  /** Distinct product_id over the customer's page views and product interactions. */
  uniqueProducts: number;
  /** Sessions with an add to cart, and those of them with a purchase. */
  cartSessions: number;
  cartSessionsConverted: number;
  /** Day buckets kept for BUCKET_RETENTION_DAYS behind the newest event (see spec.ts). */
  days: Map<number, DayBucket>;
  /** Newest event time seen, and when the stream last changed these values (processing time). */
  lastEventMs: number | null;
  updatedMs: number | null;
}

export function emptyAggregates(customerId: string): CustomerAggregates {
  return {
    customerId,
    registeredMs: null,
    orders: 0,
    revenueCents: 0,
    firstOrderMs: null,
    lastOrderMs: null,
    sessions: 0,
    sessionSeconds: 0,
    bounces: 0,
    engagementHundredths: 0,
    devices: { desktop: 0, mobile: 0, tablet: 0 },
    pageViews: 0,
    addToCarts: 0,
    purchases: 0,
    searches: 0,
    productInteractions: 0,
    uniqueProducts: 0,
    cartSessions: 0,
    cartSessionsConverted: 0,
    days: new Map(),
    lastEventMs: null,
    updatedMs: null,
  };
}
