import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CustomerAggregates, emptyAggregates, deriveFeatures } from '@amato/features';
import type { TrinoService } from '@amato/trino';
import { comparableValues } from './offline-features';
import {
  buildTrainingRows,
  dataDictionaryMarkdown,
  daysSinceFirstOrder,
  TRAINING_COLUMNS,
} from './training-dataset';

const AS_OF = new Date('2026-06-04T00:00:00Z');
const DAY_MS = 86_400_000;

function buyer(id: string, firstOrderMs: number): CustomerAggregates {
  const a = emptyAggregates(id);
  a.registeredMs = firstOrderMs - 10 * DAY_MS;
  a.orders = 2;
  a.revenueCents = 10_000;
  a.firstOrderMs = firstOrderMs;
  a.lastOrderMs = AS_OF.getTime() - 5 * DAY_MS;
  return a;
}

/** A customer_aggregates row of the aggregates, as Trino returns it. */
function aggregateRow(a: CustomerAggregates): Record<string, unknown> {
  return {
    customer_id: a.customerId,
    registered_ms: a.registeredMs,
    orders: a.orders,
    revenue_cents: a.revenueCents,
    first_order_ms: a.firstOrderMs,
    last_order_ms: a.lastOrderMs,
    sessions: 0,
    session_seconds: 0,
    bounces: 0,
    engagement_hundredths: 0,
    desktop_sessions: 0,
    mobile_sessions: 0,
    tablet_sessions: 0,
    page_views: 0,
    add_to_carts: 0,
    purchases: 0,
    searches: 0,
    product_interactions: 0,
    unique_products: 0,
    cart_sessions: 0,
    cart_sessions_converted: 0,
    last_event_ms: a.lastOrderMs,
  };
}

/** A Trino that answers the three queries of buildTrainingRows with the given tables. */
function trinoWith(tables: Record<string, Record<string, unknown>[]>): TrinoService {
  const query = (sql: string) => {
    const table = Object.keys(tables).find((name) => sql.includes(`.${name}`));
    if (table === undefined) throw new Error(`unexpected query ${sql}`);
    return Promise.resolve(tables[table]);
  };
  return { query } as unknown as TrinoService;
}

describe('the training dataset', () => {
  it('has a column, with a meaning, for every feature the specification derives', () => {
    const derived = Object.keys(
      comparableValues(deriveFeatures(emptyAggregates('CUST_000001'), 0)),
    );
    const features = TRAINING_COLUMNS.filter((c) => c.source === 'feature').map((c) => c.name);
    expect(features.sort()).toEqual(derived.sort());
    expect(TRAINING_COLUMNS.every((c) => c.description.length > 5)).toBe(true);
    expect(TRAINING_COLUMNS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(TRAINING_COLUMNS.map((c) => c.name)).size).toBe(TRAINING_COLUMNS.length);
  });

  it('keeps its labels apart, as labels', () => {
    expect(TRAINING_COLUMNS.filter((c) => c.source === 'label').map((c) => c.name)).toEqual([
      'label_revenue_next_90d',
      'label_churned_next_90d',
    ]);
  });

  it('carries days_since_first_order as context, not as an online feature', () => {
    const column = TRAINING_COLUMNS.find((c) => c.name === 'days_since_first_order');
    expect(column).toMatchObject({ type: 'DOUBLE', source: 'context' });
  });

  it('is what docs/training-dataset.md says (regenerate with npm run docs:dataset)', () => {
    const file = readFileSync(resolve(__dirname, '../../../docs/training-dataset.md'), 'utf8');
    expect(file).toBe(dataDictionaryMarkdown());
  });
});

describe(daysSinceFirstOrder.name, () => {
  it('counts the days from the first sale to the cutoff, with the fraction', () => {
    const first = AS_OF.getTime() - 30 * DAY_MS - 6 * 3_600_000;
    expect(daysSinceFirstOrder(buyer('CUST_000001', first), AS_OF.getTime())).toBe(30.25);
  });

  it('is null for a customer with no sale, or no aggregates at all', () => {
    expect(daysSinceFirstOrder(emptyAggregates('CUST_000002'), AS_OF.getTime())).toBeNull();
    expect(daysSinceFirstOrder(undefined, AS_OF.getTime())).toBeNull();
  });
});

describe(buildTrainingRows.name, () => {
  it('fills days_since_first_order from the aggregates, null for a customer who never bought', async () => {
    const first = AS_OF.getTime() - 100.5 * DAY_MS;
    const trino = trinoWith({
      customer_aggregates: [
        aggregateRow(buyer('CUST_000001', first)),
        aggregateRow(emptyAggregates('CUST_000002')),
      ],
      customer_day_buckets: [],
      customer_context: [
        { customer_id: 'CUST_000001', label_revenue_next_90d: '12.50' },
        { customer_id: 'CUST_000002', label_revenue_next_90d: '0.00' },
      ],
    });
    const rows = await buildTrainingRows(trino, 'results', AS_OF);
    expect(rows.map((r) => [r.customer_id, r.days_since_first_order, r.frequency])).toEqual([
      ['CUST_000001', 100.5, 2],
      ['CUST_000002', null, 0],
    ]);
    expect(rows[0]?.label_revenue_next_90d).toBe(12.5);
    expect(Object.keys(rows[0] ?? {})).toEqual(TRAINING_COLUMNS.map((c) => c.name));
  });
});
