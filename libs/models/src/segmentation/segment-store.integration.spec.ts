import { applyMysqlSchema } from '@amato/ddl';
import { MysqlService } from '@amato/mysql';
import { testConfig, uniqueName } from '@amato/testing';
import { writeSegmentAssignments } from './segment-store';

describe(writeSegmentAssignments.name, () => {
  const config = testConfig();
  const database = uniqueName('segments');
  let mysql: MysqlService;

  beforeAll(async () => {
    mysql = await new MysqlService(config.mysql).connect();
    await applyMysqlSchema(mysql, database);
    for (const [i, id] of ['CUST_000001', 'CUST_000002', 'CUST_000003'].entries()) {
      await mysql.execute(
        `INSERT INTO \`${database}\`.customers (customer_id, email, first_name, last_name, gender,
           country, city, registration_date, acquisition_channel, customer_status,
           is_email_subscribed, created_at, updated_at)
         VALUES (?, ?, 'A', 'B', 'undisclosed', 'DE', 'Berlin', '2025-01-01', 'organic', 'active',
           1, '2025-01-01', '2025-01-01')`,
        [id, `c${i}@example.com`],
      );
    }
  });

  afterAll(async () => {
    await mysql.execute(`DROP DATABASE IF EXISTS \`${database}\``);
    await mysql.close();
  });

  const segments = [
    { label: 0, name: 'High-Value Recent', profile: { size: 2 } },
    { label: -1, name: 'Noise', profile: { size: 1 } },
  ];
  const assignments = [
    { customerId: 'CUST_000001', label: 0, confidence: 0.91234 },
    { customerId: 'CUST_000002', label: 0, confidence: 0.5 },
    { customerId: 'CUST_000003', label: -1, confidence: 0 },
  ];

  it('writes the segments of a version and every assignment, and a rerun rewrites rather than adds', async () => {
    await writeSegmentAssignments(mysql, database, 'hdbscan', 1, segments, assignments);
    await writeSegmentAssignments(mysql, database, 'hdbscan', 1, segments, [
      { customerId: 'CUST_000001', label: -1, confidence: 0 },
    ]);
    const rows = await mysql.query<{
      customer_id: string;
      segment_name: string;
      confidence_score: string;
      model_version: string;
    }>(
      `SELECT m.customer_id, s.segment_name, m.confidence_score, m.model_version
       FROM \`${database}\`.customer_segment_mapping m JOIN \`${database}\`.customer_segments s USING (segment_id)
       ORDER BY m.customer_id`,
    );
    expect(rows).toEqual([
      {
        customer_id: 'CUST_000001',
        segment_name: 'Noise (hdbscan:v1)',
        confidence_score: '0.0000',
        model_version: 'hdbscan:v1',
      },
      {
        customer_id: 'CUST_000002',
        segment_name: 'High-Value Recent (hdbscan:v1)',
        confidence_score: '0.5000',
        model_version: 'hdbscan:v1',
      },
      {
        customer_id: 'CUST_000003',
        segment_name: 'Noise (hdbscan:v1)',
        confidence_score: '0.0000',
        model_version: 'hdbscan:v1',
      },
    ]);
  });

  it('gives another version segments of its own, beside the first', async () => {
    await writeSegmentAssignments(mysql, database, 'hdbscan', 2, segments, assignments);
    const [{ n } = { n: 0 }] = await mysql.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM \`${database}\`.customer_segments`,
    );
    expect(n).toBe(4);
    const [{ m } = { m: 0 }] = await mysql.query<{ m: number }>(
      `SELECT COUNT(*) AS m FROM \`${database}\`.customer_segment_mapping`,
    );
    expect(m).toBe(6);
  });

  it('refuses an assignment to a label the version does not have', async () => {
    await expect(
      writeSegmentAssignments(mysql, database, 'kmeans', 1, segments, [
        { customerId: 'CUST_000001', label: 7, confidence: 1 },
      ]),
    ).rejects.toThrow(/customer CUST_000001: label 7 is not a segment of kmeans:v1/);
  });
});
