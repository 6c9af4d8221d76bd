import { DependencyUnavailableError } from '@amato/common';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { PostgresService } from './postgres.service';

describe(PostgresService.name, () => {
  const config = testConfig();
  const schema = uniqueName('test');
  let postgres: PostgresService;

  beforeAll(async () => {
    postgres = await new PostgresService(config.postgres).connect();
    await postgres.query(`CREATE SCHEMA ${schema}`);
    await postgres.query(
      `CREATE TABLE ${schema}.campaigns (campaign_id TEXT PRIMARY KEY, channel TEXT NOT NULL, budget NUMERIC(12,2) NOT NULL)`,
    );
  });

  afterAll(async () => {
    await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await postgres.close();
  });

  it('writes rows with an idempotent upsert and reads them back', async () => {
    const upsert = `INSERT INTO ${schema}.campaigns (campaign_id, channel, budget) VALUES ($1, $2, $3)
      ON CONFLICT (campaign_id) DO UPDATE SET channel = EXCLUDED.channel, budget = EXCLUDED.budget`;
    await postgres.query(upsert, ['CAMP_001', 'email', '1500.00']);
    await postgres.query(upsert, ['CAMP_001', 'social', '1750.50']);
    expect(await postgres.query(`SELECT * FROM ${schema}.campaigns`)).toEqual([
      { campaign_id: 'CAMP_001', channel: 'social', budget: '1750.50' },
    ]);
  });

  it('rolls a transaction back when its work throws', async () => {
    await expect(
      postgres.transaction(async (client) => {
        await client.query(`INSERT INTO ${schema}.campaigns VALUES ('CAMP_002', 'search', 1)`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(
      await postgres.query(`SELECT 1 FROM ${schema}.campaigns WHERE campaign_id = 'CAMP_002'`),
    ).toEqual([]);
  });

  it('reports itself up in a health check', async () => {
    await expect(postgres.checkHealth()).resolves.toMatchObject({ name: 'postgres', status: 'up' });
  });

  it('fails to connect with a clear error naming the endpoint when PostgreSQL is down', async () => {
    const port = await closedPort();
    const down = new PostgresService({ ...config.postgres, port });
    const failure = down.connect();
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${port}/amato is unavailable: .*ECONNREFUSED`),
    );
    await down.close();
  });

  it('says so when the credentials are wrong', async () => {
    const wrong = new PostgresService({ ...config.postgres, password: 'not-the-password' });
    await expect(wrong.connect()).rejects.toThrow(
      /password authentication failed for user "amato"/,
    );
    await wrong.close();
  });
});
