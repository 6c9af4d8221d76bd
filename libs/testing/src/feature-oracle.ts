import type { AmatoEvent } from '@amato/contracts';
import {
  BUCKET_RETENTION_DAYS,
  type CustomerAggregates,
  dayOf,
  emptyAggregates,
  SALE_STATUSES,
  sessionEngagementHundredths,
  toCents,
} from '@amato/features';

/**
 * Every customer's aggregates recomputed from the raw events, the way a batch job would: one
 * pass over the distinct events, grouped by customer, with no Redis, no scripts and none of
 * the stream's op encoding. The processor's result must equal this (updatedMs aside).
 */
export function oracleAggregates(events: Iterable<AmatoEvent>): Map<string, CustomerAggregates> {
  const seen = new Set<string>();
  const out = new Map<string, CustomerAggregates>();
  const sets = new Map<
    string,
    { tx: Set<string>; products: Set<string>; carted: Set<string>; bought: Set<string> }
  >();
  const dated: { customer: string; ms: number; field: 'o' | 'r' | 's' | 'v'; by: number }[] = [];

  const of = (customerId: string) => {
    let a = out.get(customerId);
    if (!a) {
      a = emptyAggregates(customerId);
      out.set(customerId, a);
      sets.set(customerId, {
        tx: new Set(),
        products: new Set(),
        carted: new Set(),
        bought: new Set(),
      });
    }
    return { a, s: sets.get(customerId) as NonNullable<ReturnType<typeof sets.get>> };
  };
  const touch = (a: CustomerAggregates, ms: number) => {
    a.lastEventMs = a.lastEventMs === null ? ms : Math.max(a.lastEventMs, ms);
  };

  for (const e of events) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    const ms = Date.parse(e.event_time);
    switch (e.event_type) {
      case 'customer.created':
      case 'customer.updated': {
        const { a } = of(e.payload.customer_id);
        const reg = Date.parse(e.payload.registration_date);
        a.registeredMs = a.registeredMs === null ? reg : Math.min(a.registeredMs, reg);
        touch(a, ms);
        break;
      }
      case 'transaction.created': {
        const { a, s } = of(e.payload.customer_id);
        touch(a, ms);
        if (!SALE_STATUSES.has(e.payload.order_status) || s.tx.has(e.payload.transaction_id)) break;
        s.tx.add(e.payload.transaction_id);
        const cents = toCents(e.payload.total_amount);
        a.orders += 1;
        a.revenueCents += cents;
        a.firstOrderMs = a.firstOrderMs === null ? ms : Math.min(a.firstOrderMs, ms);
        a.lastOrderMs = a.lastOrderMs === null ? ms : Math.max(a.lastOrderMs, ms);
        dated.push({ customer: a.customerId, ms, field: 'o', by: 1 });
        dated.push({ customer: a.customerId, ms, field: 'r', by: cents });
        break;
      }
      case 'session.ended': {
        if (e.payload.customer_id === null) break;
        const { a } = of(e.payload.customer_id);
        touch(a, ms);
        a.sessions += 1;
        a.sessionSeconds += e.payload.duration_seconds;
        a.bounces += e.payload.is_bounce ? 1 : 0;
        a.engagementHundredths += sessionEngagementHundredths(e.payload);
        a.devices[e.payload.device_type] += 1;
        dated.push({ customer: a.customerId, ms, field: 's', by: 1 });
        break;
      }
      case 'page.viewed': {
        if (e.payload.customer_id === null) break;
        const { a, s } = of(e.payload.customer_id);
        touch(a, ms);
        a.pageViews += 1;
        if (e.payload.product_id !== null) s.products.add(e.payload.product_id);
        dated.push({ customer: a.customerId, ms, field: 'v', by: 1 });
        break;
      }
      case 'interaction.occurred': {
        if (e.payload.customer_id === null) break;
        const { a, s } = of(e.payload.customer_id);
        touch(a, ms);
        if (e.payload.interaction_type === 'add_to_cart') {
          a.addToCarts += 1;
          s.carted.add(e.payload.session_id);
        } else if (e.payload.interaction_type === 'purchase') {
          a.purchases += 1;
          s.bought.add(e.payload.session_id);
        }
        break;
      }
      case 'product.interacted': {
        if (e.payload.customer_id === null) break;
        const { a, s } = of(e.payload.customer_id);
        touch(a, ms);
        a.productInteractions += 1;
        s.products.add(e.payload.product_id);
        break;
      }
      case 'search.performed': {
        if (e.payload.customer_id === null) break;
        const { a } = of(e.payload.customer_id);
        touch(a, ms);
        a.searches += 1;
        break;
      }
      default:
        break;
    }
  }

  for (const [customerId, a] of out) {
    const s = sets.get(customerId);
    if (!s) continue;
    a.uniqueProducts = s.products.size;
    a.cartSessions = s.carted.size;
    a.cartSessionsConverted = [...s.carted].filter((id) => s.bought.has(id)).length;
  }
  // Day buckets: only the days within the retention behind each customer's newest event.
  for (const { customer, ms, field, by } of dated) {
    const a = out.get(customer);
    if (!a || a.lastEventMs === null) continue;
    const day = dayOf(ms);
    if (day < dayOf(a.lastEventMs) - BUCKET_RETENTION_DAYS) continue;
    const bucket = a.days.get(day) ?? { orders: 0, revenueCents: 0, sessions: 0, pageViews: 0 };
    if (field === 'o') bucket.orders += by;
    else if (field === 'r') bucket.revenueCents += by;
    else if (field === 's') bucket.sessions += by;
    else bucket.pageViews += by;
    a.days.set(day, bucket);
  }
  return out;
}

/** Aggregates as compared in tests: the processing time left out, the day buckets in order. */
export function comparableAggregates(a: CustomerAggregates | undefined) {
  if (!a) return undefined;
  return { ...a, updatedMs: null, days: new Map([...a.days].sort(([x], [y]) => x - y)) };
}
