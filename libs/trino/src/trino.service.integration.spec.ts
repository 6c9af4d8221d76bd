import { DependencyUnavailableError } from '@amato/common';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { TrinoQueryError, TrinoService } from './trino.service';

describe(TrinoService.name, () => {
  const config = testConfig();
  const trino = new TrinoService(config.trino);
  const schema = `${config.trino.catalogs.memory}.${uniqueName('test')}`;

  beforeAll(async () => {
    await trino.query(`CREATE SCHEMA ${schema}`);
  });

  afterAll(async () => {
    await trino.query(`DROP TABLE IF EXISTS ${schema}.t`);
    await trino.query(`DROP SCHEMA IF EXISTS ${schema}`);
  });

  it('returns rows as objects keyed by column, across result pages', async () => {
    await trino.query(
      `CREATE TABLE ${schema}.t AS SELECT n, CAST(n * 2 AS BIGINT) AS doubled FROM UNNEST(sequence(1, 5000)) AS s(n)`,
    );
    const rows = await trino.query<{ n: number; doubled: number }>(
      `SELECT n, doubled FROM ${schema}.t ORDER BY n`,
    );
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toEqual({ n: 1, doubled: 2 });
    expect(rows[4999]).toEqual({ n: 5000, doubled: 10000 });
  });

  it("raises a TrinoQueryError with Trino's error name for a bad query, not retriable", async () => {
    const failure = trino.query('SELECT no_such_column FROM (VALUES 1) AS t(x)');
    await expect(failure).rejects.toBeInstanceOf(TrinoQueryError);
    await expect(failure).rejects.toThrow(/COLUMN_NOT_FOUND/);
    await failure.catch((err: unknown) => {
      expect((err as TrinoQueryError).retriable).toBe(false);
    });
  });

  it('reports itself up in a health check', async () => {
    await expect(trino.checkHealth()).resolves.toMatchObject({ name: 'trino', status: 'up' });
  });

  it('fails with a clear error naming the endpoint when Trino is down', async () => {
    const port = await closedPort();
    const down = new TrinoService({ ...config.trino, port });
    const failure = down.connect();
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^Trino at http://127\\.0\\.0\\.1:${port} is unavailable: .*ECONNREFUSED`),
    );
  });
});
