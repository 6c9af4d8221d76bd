import type { PostgresService } from '@amato/postgres';
import { datasetFile, exportQuery, type ParquetColumn } from './parquet-export';

/** The columns of journey_prefixes (07_journey_prefixes.sql), as the conversion model reads them. */
export const JOURNEY_COLUMNS = [
  { name: 'session_id', type: 'STRING' },
  { name: 'customer_id', type: 'STRING' },
  { name: 'session_start', type: 'INT64' },
  { name: 'prefix_time', type: 'INT64' },
  { name: 'pages', type: 'INT32' },
  { name: 'depth', type: 'INT32' },
  { name: 'time_on_site_seconds', type: 'INT32' },
  { name: 'cart_adds', type: 'INT32' },
  { name: 'searches', type: 'INT32' },
  { name: 'last_page_type', type: 'STRING' },
  { name: 'converted', type: 'BOOLEAN' },
] as const satisfies readonly ParquetColumn[];

/**
 * Writes the batch's session prefixes (`<analytics>.journey_prefixes`) as Parquet,
 * `<dir>/journey_prefixes_<cutoff>.parquet`, for `./amato train`, in session and time order.
 */
export function exportJourneyPrefixes(
  postgres: PostgresService,
  analyticsSchema: string,
  asOf: Date,
  dir: string,
): Promise<{ file: string; rows: number }> {
  return exportQuery(
    postgres,
    `SELECT ${JOURNEY_COLUMNS.map((c) => c.name).join(', ')}
     FROM ${analyticsSchema}.journey_prefixes ORDER BY session_start, session_id, prefix_time`,
    JOURNEY_COLUMNS,
    datasetFile(dir, 'journey_prefixes', asOf),
  );
}
