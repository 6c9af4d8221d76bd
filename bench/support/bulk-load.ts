import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MongoService } from '@amato/mongo';
import type { MysqlService } from '@amato/mysql';
import type { RowDataPacket } from 'mysql2/promise';
import type { PostgresService } from '@amato/postgres';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * Each store's own fastest way in, for the sink's floor: the rows the sink landed, read back,
 * then loaded into an empty copy of the same tables (same keys, indexes and foreign keys) with
 * LOAD DATA LOCAL INFILE (MySQL), COPY FROM STDIN (PostgreSQL) and one unordered insertMany per
 * collection (MongoDB). Only the loading is timed; tables go in the order given (parents first).
 */
export interface BulkLoad {
  readonly rows: number;
  readonly seconds: number;
}

/** A MySQL value as LOAD DATA's default text format reads it (tab-separated, \N for NULL). */
function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : Buffer.isBuffer(value)
          ? value.toString('utf8')
          : JSON.stringify(value);
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/**
 * Per table, `prepare` reads its rows back (not timed) and returns the load of them, which is
 * timed and resolves with the rows it loaded.
 */
async function timedLoads(
  tables: readonly string[],
  prepare: (table: string) => Promise<() => Promise<number>>,
): Promise<BulkLoad> {
  let rows = 0;
  let ms = 0;
  for (const table of tables) {
    const load = await prepare(table);
    const started = performance.now();
    rows += await load();
    ms += performance.now() - started;
  }
  return { rows, seconds: ms / 1000 };
}

export function bulkLoadMysql(
  mysql: MysqlService,
  from: string,
  into: string,
  tables: readonly string[],
): Promise<BulkLoad> {
  return timedLoads(tables, async (table) => {
    const [result, fields] = await mysql.pool.query<RowDataPacket[][]>({
      sql: `SELECT * FROM \`${from}\`.${table}`,
      rowsAsArray: true,
      dateStrings: true,
    });
    const data = result as unknown as unknown[][];
    const columns = fields.map((f) => `\`${f.name}\``).join(', ');
    const text = `${data.map((row) => row.map(tsvField).join('\t')).join('\n')}\n`;
    return async () => {
      await mysql.pool.query({
        sql:
          `LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE \`${into}\`.${table} CHARACTER SET utf8mb4 ` +
          `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns})`,
        infileStreamFactory: () => Readable.from([Buffer.from(text)]),
      });
      return data.length;
    };
  });
}

export async function bulkLoadPostgres(
  postgres: PostgresService,
  from: string,
  into: string,
  tables: readonly string[],
): Promise<BulkLoad> {
  const client = await postgres.pool.connect();
  try {
    return await timedLoads(tables, async (table) => {
      // Generated columns (campaign_performance's ratios) are computed again, not copied.
      const { rows: stored } = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = $2 AND is_generated = 'NEVER'
         ORDER BY ordinal_position`,
        [from, table],
      );
      const columns = stored.map((c) => c.column_name).join(', ');
      const chunks: Buffer[] = [];
      const out = client.query(copyTo(`COPY ${from}.${table} (${columns}) TO STDOUT`));
      for await (const chunk of out as AsyncIterable<Buffer>) chunks.push(chunk);
      const data = Buffer.concat(chunks);
      return async () => {
        const load = client.query(copyFrom(`COPY ${into}.${table} (${columns}) FROM STDIN`));
        await pipeline(Readable.from([data]), load).catch((err: unknown) => {
          throw new Error(`COPY into ${into}.${table}: ${String(err)}`, { cause: err });
        });
        return load.rowCount;
      };
    });
  } finally {
    client.release();
  }
}

export function bulkLoadMongo(
  mongo: MongoService,
  from: string,
  into: string,
  collections: readonly string[],
): Promise<BulkLoad> {
  return timedLoads(collections, async (name) => {
    const docs = await mongo.db(from).collection(name).find({}).toArray();
    return async () => {
      if (docs.length > 0)
        await mongo.db(into).collection(name).insertMany(docs, { ordered: false });
      return docs.length;
    };
  });
}
