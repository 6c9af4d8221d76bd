import {
  type CustomerAggregates,
  type CustomerFeatures,
  deriveFeatures,
  emptyAggregates,
} from '@amato/features';
import type { TrinoService } from '@amato/trino';

/** A row of customer_aggregates (06_training_dataset.sql): the stream's aggregates, in SQL. */
interface AggregateRow {
  customer_id: string;
  registered_ms: number | null;
  orders: number;
  revenue_cents: number;
  first_order_ms: number | null;
  last_order_ms: number | null;
  sessions: number;
  session_seconds: number;
  bounces: number;
  engagement_hundredths: number;
  desktop_sessions: number;
  mobile_sessions: number;
  tablet_sessions: number;
  page_views: number;
  add_to_carts: number;
  purchases: number;
  searches: number;
  product_interactions: number;
  unique_products: number;
  cart_sessions: number;
  cart_sessions_converted: number;
  last_event_ms: number | null;
  [column: string]: unknown;
}

interface BucketRow {
  customer_id: string;
  day: number;
  orders: number;
  revenue_cents: number;
  sessions: number;
  page_views: number;
  [column: string]: unknown;
}

/** The aggregates of one customer_aggregates row and its day buckets, as the stream keeps them. */
export function aggregatesOf(row: AggregateRow, buckets: readonly BucketRow[]): CustomerAggregates {
  const a = emptyAggregates(row.customer_id);
  a.registeredMs = row.registered_ms;
  a.orders = row.orders;
  a.revenueCents = row.revenue_cents;
  a.firstOrderMs = row.first_order_ms;
  a.lastOrderMs = row.last_order_ms;
  a.sessions = row.sessions;
  a.sessionSeconds = row.session_seconds;
  a.bounces = row.bounces;
  a.engagementHundredths = row.engagement_hundredths;
  a.devices = {
    desktop: row.desktop_sessions,
    mobile: row.mobile_sessions,
    tablet: row.tablet_sessions,
  };
  a.pageViews = row.page_views;
  a.addToCarts = row.add_to_carts;
  a.purchases = row.purchases;
  a.searches = row.searches;
  a.productInteractions = row.product_interactions;
  a.uniqueProducts = row.unique_products;
  a.cartSessions = row.cart_sessions;
  a.cartSessionsConverted = row.cart_sessions_converted;
  a.lastEventMs = row.last_event_ms;
  for (const b of buckets) {
    a.days.set(b.day, {
      orders: b.orders,
      revenueCents: b.revenue_cents,
      sessions: b.sessions,
      pageViews: b.page_views,
    });
  }
  return a;
}

/** Every customer's aggregates as the batch computed them (`schema`: catalog.schema of the results). */
export async function readOfflineAggregates(
  trino: TrinoService,
  schema: string,
): Promise<Map<string, CustomerAggregates>> {
  const [rows, buckets] = await Promise.all([
    trino.query<AggregateRow>(`SELECT * FROM ${schema}.customer_aggregates`),
    trino.query<BucketRow>(`SELECT * FROM ${schema}.customer_day_buckets`),
  ]);
  const bucketsOf = new Map<string, BucketRow[]>();
  for (const b of buckets) {
    const list = bucketsOf.get(b.customer_id);
    if (list) list.push(b);
    else bucketsOf.set(b.customer_id, [b]);
  }
  return new Map(
    rows.map((r) => [r.customer_id, aggregatesOf(r, bucketsOf.get(r.customer_id) ?? [])]),
  );
}

/** One feature of one customer on which the two sides disagree. */
export interface FeatureMismatch {
  readonly customerId: string;
  readonly feature: string;
  readonly offline: number | string | null;
  readonly online: number | string | null;
}

/** The comparable values of derived features: the vector, the windows, the device mix, the AOV. */
export function comparableValues(f: CustomerFeatures): Record<string, number> {
  const out: Record<string, number> = { avg_order_value: f.avg_order_value };
  for (const [k, v] of Object.entries(f.features)) out[k] = v;
  for (const [k, v] of Object.entries(f.windows)) out[`windows.${k}`] = v;
  for (const [k, v] of Object.entries(f.device_mix)) out[`device_mix.${k}`] = v;
  return out;
}

function agree(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Compares the features derived from the offline and the online aggregates of every customer
 * as of the same moment, and names each disagreement (a customer on one side only is one too).
 */
export function compareFeatures(
  offline: ReadonlyMap<string, CustomerAggregates>,
  online: ReadonlyMap<string, CustomerAggregates | undefined>,
  asOfMs: number,
): FeatureMismatch[] {
  const mismatches: FeatureMismatch[] = [];
  const ids = new Set([...offline.keys(), ...online.keys()]);
  for (const customerId of [...ids].sort()) {
    const off = offline.get(customerId);
    const on = online.get(customerId);
    if (!off || !on) {
      mismatches.push({
        customerId,
        feature: '(customer)',
        offline: off ? 'present' : null,
        online: on ? 'present' : null,
      });
      continue;
    }
    const a = comparableValues(deriveFeatures(off, asOfMs));
    const b = comparableValues(deriveFeatures(on, asOfMs));
    for (const feature of Object.keys(a)) {
      const x = a[feature] ?? Number.NaN;
      const y = b[feature] ?? Number.NaN;
      if (!agree(x, y)) mismatches.push({ customerId, feature, offline: x, online: y });
    }
  }
  return mismatches;
}
