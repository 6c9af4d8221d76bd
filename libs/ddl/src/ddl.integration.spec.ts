import { MongoService } from '@amato/mongo';
import { MysqlService } from '@amato/mysql';
import { PostgresService } from '@amato/postgres';
import { testConfig, uniqueName } from '@amato/testing';
import { applyMongoSchema, applyMysqlSchema, applyPostgresSchema } from './ddl';

/** AMATO's tables and their field counts, as the platform's reference defines them. */
const MYSQL_FIELDS = {
  customers: 16,
  customer_demographics: 8,
  transactions: 9,
  transaction_items: 10,
  customer_segments: 5,
  customer_segment_mapping: 6,
};
const POSTGRES_FIELDS = {
  campaigns: 11,
  campaign_performance: 11,
  ab_tests: 11,
  ab_test_results: 10,
  // AMATO's own: who was exposed to which variant of a test.
  ab_test_exposures: 5,
  // AMATO's own: the record of batch runs.
  batch_runs: 7,
  // AMATO's own: the model registry.
  model_versions: 10,
};
const MONGO_FIELDS = {
  sessions: 15,
  page_views: 12,
  events: 9,
  product_interactions: 9,
  search_queries: 9,
};

describe('ddl/', () => {
  const config = testConfig();
  const name = uniqueName('ddl');
  const mysql = new MysqlService(config.mysql);
  const postgres = new PostgresService(config.postgres);
  const mongo = new MongoService(config.mongo);

  beforeAll(async () => {
    await Promise.all([mysql.connect(), postgres.connect(), mongo.connect()]);
  });

  afterAll(async () => {
    await Promise.allSettled([
      mysql.execute(`DROP DATABASE IF EXISTS \`${name}\``),
      postgres.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
      mongo.db(name).dropDatabase(),
    ]);
    await Promise.all([mysql.close(), postgres.close(), mongo.close()]);
  });

  it('creates the MySQL tables with the reference field counts, twice without harm', async () => {
    await applyMysqlSchema(mysql, name);
    await applyMysqlSchema(mysql, name);
    const rows = await mysql.query<{ table_name: string; fields: number | string }>(
      `SELECT table_name AS table_name, COUNT(*) AS fields FROM information_schema.columns
       WHERE table_schema = ? GROUP BY table_name`,
      [name],
    );
    expect(Object.fromEntries(rows.map((r) => [r.table_name, Number(r.fields)]))).toEqual(
      MYSQL_FIELDS,
    );
  });

  it('enforces MySQL keys: a transaction for an unknown customer is refused', async () => {
    await applyMysqlSchema(mysql, name);
    await expect(
      mysql.execute(
        `INSERT INTO \`${name}\`.transactions VALUES ('TXN_00000001', 'CUST_404', NOW(3), 1.00, 'EUR', 'card', 'completed', 'web', NULL)`,
      ),
    ).rejects.toThrow(/foreign key constraint fails/);
  });

  it('creates the PostgreSQL tables with the reference field counts, twice without harm', async () => {
    await applyPostgresSchema(postgres, name);
    await applyPostgresSchema(postgres, name);
    const rows = await postgres.query<{ table_name: string; fields: string }>(
      `SELECT table_name, COUNT(*) AS fields FROM information_schema.columns WHERE table_schema = $1 GROUP BY table_name`,
      [name],
    );
    expect(Object.fromEntries(rows.map((r) => [r.table_name, Number(r.fields)]))).toEqual(
      POSTGRES_FIELDS,
    );
  });

  it('derives PostgreSQL ratios from the counts and refuses an impossible funnel', async () => {
    await applyPostgresSchema(postgres, name);
    await postgres.query(
      `INSERT INTO ${name}.campaigns VALUES ('CAMP_0001', 'Spring', 'email', 'seasonal', '2024-03-01', '2024-03-31', 1000, NULL, 'active', now(), now())`,
    );
    await postgres.query(
      `INSERT INTO ${name}.campaign_performance (campaign_id, performance_date, impressions, clicks, conversions, spend, revenue, updated_at)
       VALUES ('CAMP_0001', '2024-03-02', 1000, 50, 5, 100, 400, now())`,
    );
    const [row] = await postgres.query(
      `SELECT ctr, conversion_rate, roas FROM ${name}.campaign_performance`,
    );
    expect(row).toEqual({ ctr: '0.050000', conversion_rate: '0.100000', roas: '4.0000' });
    await expect(
      postgres.query(
        `INSERT INTO ${name}.campaign_performance (campaign_id, performance_date, impressions, clicks, conversions, spend, revenue, updated_at)
         VALUES ('CAMP_0001', '2024-03-03', 10, 50, 5, 100, 400, now())`,
      ),
    ).rejects.toThrow(/ck_performance_funnel/);
  });

  it('creates the MongoDB collections with their unique indexes, twice without harm', async () => {
    await applyMongoSchema(mongo, name);
    await applyMongoSchema(mongo, name);
    const db = mongo.db(name);
    const collections = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .sort();
    // Beside the clickstream, Trino's table definitions (one each, replaced on every apply).
    expect(collections).toEqual(['_schema', ...Object.keys(MONGO_FIELDS)].sort());
    expect(await db.collection('_schema').countDocuments()).toBe(Object.keys(MONGO_FIELDS).length);
    const events = db.collection('events');
    const indexes = await events.indexes();
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['uq_event_id', 'idx_session_time']),
    );
    const doc = {
      event_id: 'E1',
      session_id: 'S1',
      customer_id: null,
      timestamp: new Date(),
      event_type: 'purchase',
      product_id: null,
      value: 1,
      quantity: 1,
      transaction_id: null,
    };
    expect(Object.keys(doc)).toHaveLength(MONGO_FIELDS.events);
    await events.insertOne({ ...doc });
    await expect(events.insertOne({ ...doc })).rejects.toThrow(/duplicate key/i);
  });
});
