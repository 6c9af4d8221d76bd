import {
  applyMongoSchema,
  applyMysqlSchema,
  applyPostgresSchema,
  trinoMongoTables,
} from '@amato/ddl';
import { MongoService } from '@amato/mongo';
import { MysqlService } from '@amato/mysql';
import { PostgresService } from '@amato/postgres';
import { testConfig, uniqueName } from '@amato/testing';
import { TrinoService } from '@amato/trino';

type Columns = Record<string, Record<string, string>>;

/**
 * Batch SQL can only use what Trino sees. Every table and collection of ddl/, in schemas this
 * test owns, must show every field through Trino: the MySQL and PostgreSQL columns as their
 * stores list them, and the MongoDB fields with the types of ddl/mongodb_schema.js, also where
 * the first document holds nulls (Trino would otherwise infer the columns from it).
 */
describe('what Trino sees of the stores', () => {
  const config = testConfig();
  const name = uniqueName('trino_cols');
  const mysql = new MysqlService(config.mysql);
  const postgres = new PostgresService(config.postgres);
  const mongo = new MongoService(config.mongo);
  const trino = new TrinoService(config.trino);
  const { mysql: my, postgresql: pg, mongodb: mg } = config.trino.catalogs;

  beforeAll(async () => {
    await Promise.all([mysql.connect(), postgres.connect(), mongo.connect()]);
    await Promise.all([
      applyMysqlSchema(mysql, name),
      applyPostgresSchema(postgres, name),
      applyMongoSchema(mongo, name),
    ]);
    // An anonymous session first: customer_id and campaign_id are null in it.
    await mongo
      .db(name)
      .collection('sessions')
      .insertOne({
        _id: 'e1' as never,
        session_id: 'SESS_00000001',
        customer_id: null,
        start_time: new Date('2026-01-01T10:00:00Z'),
        end_time: new Date('2026-01-01T10:05:00Z'),
        duration_seconds: 300,
        page_views: 3,
        device_type: 'mobile',
        browser: 'Firefox',
        os: 'Android',
        traffic_source: 'direct',
        campaign_id: null,
        landing_page: '/',
        exit_page: '/cart',
        is_bounce: false,
        converted: false,
      });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([
      mysql.execute(`DROP DATABASE IF EXISTS \`${name}\``),
      postgres.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
      mongo.db(name).dropDatabase(),
    ]);
    await Promise.all([mysql.close(), postgres.close(), mongo.close()]);
  });

  async function trinoColumns(catalog: string): Promise<Columns> {
    const rows = await trino.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM ${catalog}.information_schema.columns
       WHERE table_schema = '${name}'`,
    );
    const out: Columns = {};
    for (const r of rows) (out[r.table_name] ??= {})[r.column_name] = r.data_type;
    return out;
  }

  function namesOf(columns: Columns): Record<string, string[]> {
    return Object.fromEntries(
      Object.entries(columns).map(([table, cols]) => [table, Object.keys(cols).sort()]),
    );
  }

  it('shows every MySQL column of every table', async () => {
    const rows = await mysql.query<{ t: string; c: string }>(
      'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = ?',
      [name],
    );
    const store: Columns = {};
    for (const r of rows) (store[r.t] ??= {})[r.c] = '';
    expect(namesOf(await trinoColumns(my))).toEqual(namesOf(store));
  }, 60_000);

  it('shows every PostgreSQL column of every table', async () => {
    const rows = await postgres.query<{ t: string; c: string }>(
      'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1',
      [name],
    );
    const store: Columns = {};
    for (const r of rows) (store[r.t] ??= {})[r.c] = '';
    expect(namesOf(await trinoColumns(pg))).toEqual(namesOf(store));
  }, 60_000);

  it('shows every MongoDB field with its declared type, nulls in the first document or not', async () => {
    const expected: Columns = {};
    for (const { table, fields } of trinoMongoTables())
      expected[table] = Object.fromEntries(
        fields.filter((f) => !f.hidden).map((f) => [f.name, f.type]),
      );
    expect(await trinoColumns(mg)).toEqual(expected);
    // And the nulls read as nulls, joinable like any other column.
    const rows = await trino.query(
      `SELECT session_id, customer_id, campaign_id, start_time FROM ${mg}.${name}.sessions`,
    );
    expect(rows).toEqual([
      {
        session_id: 'SESS_00000001',
        customer_id: null,
        campaign_id: null,
        start_time: '2026-01-01 10:00:00.000',
      },
    ]);
  }, 60_000);
});
