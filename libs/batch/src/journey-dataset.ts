import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { PostgresService } from '@amato/postgres';

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
] as const;

type JourneyRow = Record<(typeof JOURNEY_COLUMNS)[number]['name'], unknown>;

/**
 * Writes the batch's session prefixes (`<analytics>.journey_prefixes`) as Parquet,
 * `<dir>/journey_prefixes_<cutoff>.parquet`, for `./amato train`: read from PostgreSQL
 * directly (the rows are many and need no Trino), in session and time order.
 */
export async function exportJourneyPrefixes(
  postgres: PostgresService,
  analyticsSchema: string,
  asOf: Date,
  dir: string,
): Promise<{ file: string; rows: number }> {
  const rows = await postgres.query<JourneyRow>(
    `SELECT session_id, customer_id, session_start, prefix_time, pages, depth,
       time_on_site_seconds, cart_adds, searches, last_page_type, converted
     FROM ${analyticsSchema}.journey_prefixes ORDER BY session_start, session_id, prefix_time`,
  );
  const buffer = parquetWriteBuffer({
    columnData: JOURNEY_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type,
      // BIGINT comes back from pg as text; INT64 columns want bigint.
      data: rows.map((r) => {
        const v = r[c.name];
        if (v === null || v === undefined) return null;
        return c.type === 'INT64' ? BigInt(v as string) : v;
      }),
    })),
  });
  const stamp = asOf.toISOString().replace(/[:.]/g, '-');
  const file = `${dir}/journey_prefixes_${stamp}.parquet`;
  writeFileSync(file, Buffer.from(buffer));
  return { file, rows: rows.length };
}
