import type { PostgresService } from '@amato/postgres';
import { datasetFile, exportQuery, type ParquetColumn } from './parquet-export';

/** The columns of campaign_days (09_campaign_days.sql), as the campaign models read them. */
export const CAMPAIGN_DAYS_COLUMNS = [
  { name: 'campaign_id', type: 'STRING' },
  { name: 'channel', type: 'STRING' },
  { name: 'campaign_type', type: 'STRING' },
  { name: 'audience', type: 'STRING' },
  { name: 'start_date', type: 'STRING' },
  { name: 'duration_days', type: 'INT32' },
  { name: 'budget', type: 'DOUBLE' },
  { name: 'daily_budget', type: 'DOUBLE' },
  { name: 'day', type: 'STRING' },
  { name: 'day_index', type: 'INT32' },
  { name: 'impressions', type: 'INT64' },
  { name: 'clicks', type: 'INT64' },
  { name: 'conversions', type: 'INT64' },
  { name: 'spend', type: 'DOUBLE' },
  { name: 'revenue', type: 'DOUBLE' },
] as const satisfies readonly ParquetColumn[];

/**
 * Writes the batch's campaign days (`<analytics>.campaign_days`: every reported day of every
 * campaign with its parameters) as `<dir>/campaign_days_<cutoff>.parquet`, by day then campaign,
 * for `./amato train`.
 */
export function exportCampaignDays(
  postgres: PostgresService,
  analyticsSchema: string,
  asOf: Date,
  dir: string,
): Promise<{ file: string; rows: number }> {
  return exportQuery(
    postgres,
    `SELECT campaign_id, channel, campaign_type, audience,
       to_char(start_date, 'YYYY-MM-DD') AS start_date, duration_days::int AS duration_days,
       budget, daily_budget, to_char(day, 'YYYY-MM-DD') AS day, day_index::int AS day_index,
       impressions::bigint AS impressions, clicks::bigint AS clicks,
       conversions::bigint AS conversions, spend, revenue
     FROM ${analyticsSchema}.campaign_days ORDER BY day, campaign_id`,
    CAMPAIGN_DAYS_COLUMNS,
    datasetFile(dir, 'campaign_days', asOf),
  );
}
