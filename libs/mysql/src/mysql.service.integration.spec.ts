import { DependencyUnavailableError } from '@amato/common';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { MysqlService } from './mysql.service';

describe(MysqlService.name, () => {
  const config = testConfig();
  const schema = uniqueName('test');
  let mysql: MysqlService;

  beforeAll(async () => {
    mysql = await new MysqlService(config.mysql).connect();
    await mysql.execute(`CREATE DATABASE \`${schema}\``);
    await mysql.execute(
      `CREATE TABLE \`${schema}\`.customers (customer_id VARCHAR(20) PRIMARY KEY, email VARCHAR(255) NOT NULL, total DECIMAL(12,2) NOT NULL)`,
    );
  });

  afterAll(async () => {
    await mysql.execute(`DROP DATABASE IF EXISTS \`${schema}\``);
    await mysql.close();
  });

  it('writes rows with an idempotent upsert and reads them back with exact decimals', async () => {
    const upsert = `INSERT INTO \`${schema}\`.customers (customer_id, email, total) VALUES ?
      ON DUPLICATE KEY UPDATE email = VALUES(email), total = VALUES(total)`;
    const rows = [
      ['CUST_000001', 'a@example.com', '10.10'],
      ['CUST_000002', 'b@example.com', '0.20'],
    ];
    await mysql.execute(upsert, [rows]);
    await mysql.execute(upsert, [rows]);
    const read = await mysql.query<{ customer_id: string; total: string }>(
      `SELECT customer_id, total FROM \`${schema}\`.customers ORDER BY customer_id`,
    );
    expect(read).toEqual([
      { customer_id: 'CUST_000001', total: '10.10' },
      { customer_id: 'CUST_000002', total: '0.20' },
    ]);
  });

  it('rolls a transaction back when its work throws', async () => {
    await expect(
      mysql.transaction(async (connection) => {
        await connection.query(
          `INSERT INTO \`${schema}\`.customers VALUES ('CUST_000003', 'c@example.com', 1)`,
        );
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const [row] = await mysql.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM \`${schema}\`.customers WHERE customer_id = 'CUST_000003'`,
    );
    expect(Number(row?.n)).toBe(0);
  });

  it('reports itself up in a health check', async () => {
    await expect(mysql.checkHealth()).resolves.toMatchObject({ name: 'mysql', status: 'up' });
  });

  it('fails to connect with a clear error naming the endpoint when MySQL is down', async () => {
    const port = await closedPort();
    const down = new MysqlService({ ...config.mysql, port });
    await expect(down.connect()).rejects.toThrow(
      new RegExp(`^MySQL at 127\\.0\\.0\\.1:${port}/amato is unavailable: .*ECONNREFUSED`),
    );
    await expect(down.connect()).rejects.toBeInstanceOf(DependencyUnavailableError);
    await down.close();
  });
});
