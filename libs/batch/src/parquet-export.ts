import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { PostgresService } from '@amato/postgres';

/** A column of an exported dataset: its name in the query's rows and its Parquet type. */
export interface ParquetColumn {
  readonly name: string;
  readonly type: 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN';
}

/** `<dir>/<name>_<cutoff>.parquet`, the cutoff with `:` and `.` made safe for file names. */
export function datasetFile(dir: string, name: string, asOf: Date): string {
  return `${dir}/${name}_${asOf.toISOString().replace(/[:.]/g, '-')}.parquet`;
}

/**
 * Writes the rows of a query on PostgreSQL (a batch result table, read directly: the rows may be
 * many and need no Trino) as a Parquet file with `columns`, in the query's order.
 */
export async function exportQuery(
  postgres: PostgresService,
  query: string,
  columns: readonly ParquetColumn[],
  file: string,
): Promise<{ file: string; rows: number }> {
  const rows = await postgres.query(query);
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({
      name: c.name,
      type: c.type,
      data: rows.map((r) => {
        const v = r[c.name];
        if (v === null || v === undefined) return null;
        // BIGINT and NUMERIC come back from pg as text.
        if (c.type === 'INT64') return BigInt(v as string);
        if (c.type === 'DOUBLE') return Number(v);
        return v;
      }),
    })),
  });
  writeFileSync(file, Buffer.from(buffer));
  return { file, rows: rows.length };
}
