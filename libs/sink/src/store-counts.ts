import type { MongoService } from '@amato/mongo';
import type { MysqlService } from '@amato/mysql';
import type { PostgresService } from '@amato/postgres';
import type { StoreTargets } from './store-targets';

export const MYSQL_TABLES = [
  'customers',
  'customer_demographics',
  'transactions',
  'transaction_items',
] as const;
export const POSTGRES_TABLES = [
  'campaigns',
  'campaign_performance',
  'ab_tests',
  'ab_test_exposures',
  'ab_test_results',
] as const;
export const MONGO_COLLECTIONS = [
  'sessions',
  'page_views',
  'events',
  'product_interactions',
  'search_queries',
] as const;

/** Rows in every table and collection the sink fills. */
export async function storeCounts(
  stores: { mysql: MysqlService; postgres: PostgresService; mongo: MongoService },
  targets: StoreTargets,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await Promise.all([
    ...MYSQL_TABLES.map(async (table) => {
      const [row] = await stores.mysql.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM \`${targets.mysqlDatabase}\`.${table}`,
      );
      counts[table] = Number(row?.n ?? 0);
    }),
    ...POSTGRES_TABLES.map(async (table) => {
      const [row] = await stores.postgres.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${targets.postgresSchema}.${table}`,
      );
      counts[table] = Number(row?.n ?? 0);
    }),
    ...MONGO_COLLECTIONS.map(async (collection) => {
      counts[collection] = await stores.mongo
        .db(targets.mongoDatabase)
        .collection(collection)
        .countDocuments();
    }),
  ]);
  return counts;
}
