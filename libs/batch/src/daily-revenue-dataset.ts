import type { PostgresService } from '@amato/postgres';
import { datasetFile, exportQuery, type ParquetColumn } from './parquet-export';

/** The columns of daily_revenue (08_daily_revenue.sql), as the revenue forecast reads them. */
export const DAILY_REVENUE_COLUMNS = [
  { name: 'day', type: 'STRING' },
  { name: 'revenue', type: 'DOUBLE' },
  { name: 'orders', type: 'INT64' },
  { name: 'spend', type: 'DOUBLE' },
  { name: 'planned_spend', type: 'DOUBLE' },
] as const satisfies readonly ParquetColumn[];

/**
 * Writes the batch's daily revenue (`<analytics>.daily_revenue`: the history, then the 90 days
 * after the cutoff with only their planned spend) as `<dir>/daily_revenue_<cutoff>.parquet`, in
 * day order, for `./amato train`.
 */
export function exportDailyRevenue(
  postgres: PostgresService,
  analyticsSchema: string,
  asOf: Date,
  dir: string,
): Promise<{ file: string; rows: number }> {
  return exportQuery(
    postgres,
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, revenue, orders, spend, planned_spend
     FROM ${analyticsSchema}.daily_revenue ORDER BY day`,
    DAILY_REVENUE_COLUMNS,
    datasetFile(dir, 'daily_revenue', asOf),
  );
}
