import { MongoService } from '@amato/mongo';
import { MysqlService } from '@amato/mysql';
import { PostgresService } from '@amato/postgres';
import { TrinoService } from '@amato/trino';
import { testConfig, uniqueName } from '@amato/testing';

/**
 * The batch layer's premise: one Trino query reads the three stores at once. Customers in MySQL,
 * campaigns in PostgreSQL and sessions in MongoDB, each in a schema this test owns.
 */
describe('Trino across MySQL, PostgreSQL and MongoDB', () => {
  const config = testConfig();
  const schema = uniqueName('e2e');
  const mysql = new MysqlService(config.mysql);
  const postgres = new PostgresService(config.postgres);
  const mongo = new MongoService(config.mongo);
  const trino = new TrinoService(config.trino);

  beforeAll(async () => {
    await Promise.all([mysql.connect(), postgres.connect(), mongo.connect()]);
    await mysql.execute(`CREATE DATABASE \`${schema}\``);
    await mysql.execute(
      `CREATE TABLE \`${schema}\`.customers (customer_id VARCHAR(20) PRIMARY KEY, country CHAR(2) NOT NULL)`,
    );
    await mysql.execute(
      `INSERT INTO \`${schema}\`.customers VALUES ('CUST_000001', 'DE'), ('CUST_000002', 'FR'), ('CUST_000003', 'DE')`,
    );

    await postgres.query(`CREATE SCHEMA ${schema}`);
    await postgres.query(
      `CREATE TABLE ${schema}.campaigns (campaign_id TEXT PRIMARY KEY, channel TEXT NOT NULL)`,
    );
    await postgres.query(
      `INSERT INTO ${schema}.campaigns VALUES ('CAMP_1', 'email'), ('CAMP_2', 'social')`,
    );

    await mongo
      .db(schema)
      .collection('sessions')
      .insertMany([
        { session_id: 'S1', customer_id: 'CUST_000001', campaign_id: 'CAMP_1', page_views: 4 },
        { session_id: 'S2', customer_id: 'CUST_000001', campaign_id: 'CAMP_2', page_views: 2 },
        { session_id: 'S3', customer_id: 'CUST_000002', campaign_id: 'CAMP_1', page_views: 9 },
        { session_id: 'S4', customer_id: 'CUST_000003', campaign_id: 'CAMP_2', page_views: 1 },
        { session_id: 'S5', customer_id: 'CUST_404', campaign_id: 'CAMP_1', page_views: 5 },
      ]);
  });

  afterAll(async () => {
    await Promise.allSettled([
      mysql.execute(`DROP DATABASE IF EXISTS \`${schema}\``),
      postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
      mongo.db(schema).dropDatabase(),
    ]);
    await Promise.all([mysql.close(), postgres.close(), mongo.close()]);
  });

  it('joins a MySQL table, a PostgreSQL table and a MongoDB collection in one query', async () => {
    const { mysql: my, postgresql: pg, mongodb: mg } = config.trino.catalogs;
    const rows = await trino.query(`
      SELECT c.country, k.channel, COUNT(*) AS sessions, SUM(s.page_views) AS page_views
      FROM ${mg}.${schema}.sessions s
      JOIN ${my}.${schema}.customers c ON c.customer_id = s.customer_id
      JOIN ${pg}.${schema}.campaigns k ON k.campaign_id = s.campaign_id
      GROUP BY c.country, k.channel
      ORDER BY c.country, k.channel`);
    expect(rows).toEqual([
      { country: 'DE', channel: 'email', sessions: 1, page_views: 4 },
      { country: 'DE', channel: 'social', sessions: 2, page_views: 3 },
      { country: 'FR', channel: 'email', sessions: 1, page_views: 9 },
    ]);
  }, 60_000);
});
