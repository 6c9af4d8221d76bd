import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnalyticsReader,
  BatchRunner,
  batchSteps,
  BatchStepError,
  CAMPAIGN_DAYS_COLUMNS,
  STAGING_STEP,
  DAILY_REVENUE_COLUMNS,
  exportCampaignDays,
  exportDailyRevenue,
  exportTrainingDataset,
  loadScripts,
  TRAINING_COLUMNS,
} from '@amato/batch';
import { type ExposedUser, variantStatisticsOf } from '@amato/experiments';
import { parquetReadObjects } from 'hyparquet';
import { Dataset } from '@amato/generator';
import { landDataset, ownWorld, testConfig } from '@amato/testing';
import { TrinoService } from '@amato/trino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApi } from '../apps/api/src/main';

type Check = {
  check_name: string;
  failing_rows: number;
  examples: string | null;
};

/**
 * The batch on a generated shop landed in this test's own database, schemas and collections:
 * data quality finds nothing on clean data, then exactly the defects the test plants; RFM agrees
 * with a direct aggregation in MySQL; a failing step names its file and line and leaves the
 * previous results readable.
 */
describe('the batch', () => {
  const world = ownWorld('batch');
  const { name, mysql, postgres, mongo } = world;
  const config = testConfig({
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
  });
  const trino = new TrinoService(config.trino);
  const analytics = `a_${name}`;
  const asOf = new Date('2026-01-02T00:00:00Z');
  const dataset = new Dataset({ seed: 17, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
  const runner = new BatchRunner(trino, postgres, config);
  const reader = new AnalyticsReader(postgres, `a_${name}`, name);
  const pg = config.trino.catalogs.postgresql;
  const memory = config.trino.catalogs.memory;

  const mongoCount = (collection: string) => mongo.db(name).collection(collection).countDocuments();
  /** The memory catalog's schemas of this test's runs: a run drops its own, however it ends. */
  const stagedSchemas = async () =>
    (
      await trino.query<{ schema_name: string }>(
        `SELECT schema_name FROM ${memory}.information_schema.schemata`,
      )
    )
      .map((r) => r.schema_name)
      .filter((s) => s.startsWith(`${analytics}_run_`));

  beforeAll(async () => {
    await world.setUp();
    await landDataset(world, dataset);
  }, 240_000);

  afterAll(async () => {
    await postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`).catch(() => undefined);
    await world.tearDown();
  });

  const failing = async () =>
    trino.query<Check>(
      `SELECT check_name, failing_rows, examples FROM ${pg}.${analytics}.data_quality_summary
       WHERE failing_rows > 0 ORDER BY check_name`,
    );

  it('finds no defect in clean generated data, and computes RFM as MySQL does', async () => {
    const steps = batchSteps(trino, postgres, config.batch);
    const run = await runner.run(steps, { asOf, analyticsSchema: analytics });
    expect(run.status).toBe('succeeded');
    // The clickstream staged first, then every step, the staged copy dropped at the end.
    expect(run.steps.map((s) => s.step)).toEqual([STAGING_STEP.name, ...steps.map((s) => s.name)]);
    expect(run.steps[0]?.tables).toMatchObject({ page_views: await mongoCount('page_views') });
    expect(await stagedSchemas()).toEqual([]);
    expect(run.steps.at(-1)).toMatchObject({ step: 'experiment analysis' });
    expect(run.steps.map((s) => s.step)).toEqual(
      expect.arrayContaining(['01_data_cleanup', '02_customer_rfm', '06_training_dataset']),
    );
    expect(await failing()).toEqual([]);

    const direct = await mysql.query<{ customer_id: string; n: number; total: string }>(
      `SELECT customer_id, COUNT(*) AS n, SUM(total_amount) AS total FROM \`${name}\`.transactions
       WHERE order_status IN ('completed', 'shipped', 'delivered') AND transaction_date <= ?
       GROUP BY customer_id`,
      [asOf.toISOString().replace('T', ' ').replace('Z', '')],
    );
    const rfm = await trino.query<{ customer_id: string; frequency: number; monetary: string }>(
      `SELECT customer_id, frequency, monetary FROM ${pg}.${analytics}.customer_rfm WHERE frequency > 0`,
    );
    const byId = new Map(rfm.map((r) => [r.customer_id, r]));
    expect(rfm).toHaveLength(direct.length);
    for (const d of direct) {
      expect(byId.get(d.customer_id)?.frequency).toBe(d.n);
      expect(Number(byId.get(d.customer_id)?.monetary)).toBeCloseTo(Number(d.total), 2);
    }
    const [{ customers } = { customers: 0 }] = await trino.query<{ customers: number }>(
      `SELECT sum(customers) AS customers FROM ${pg}.${analytics}.rfm_segments`,
    );
    expect(customers).toBe(dataset.expected.customers);
    // Each segment's share of the customers, to four places (it was once cut to one).
    for (const segment of await reader.rfmSegments()) {
      expect(segment.share).toBeCloseTo(segment.customers / customers, 4);
    }
    const recorded = await reader.lastRun();
    expect(recorded).toMatchObject({ runId: run.runId, status: 'succeeded' });
  }, 180_000);

  it('exports the training dataset to Parquet: one row per customer, every column, labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amato-dataset-'));
    const out = await exportTrainingDataset(trino, `${pg}.${analytics}`, asOf, dir);
    expect(out.rows).toBe(dataset.expected.customers);
    const bytes = readFileSync(out.file);
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    });
    expect(rows).toHaveLength(dataset.expected.customers);
    expect(Object.keys(rows[0] ?? {})).toEqual(TRAINING_COLUMNS.map((c) => c.name));
    const buyers = rows.filter((r) => Number(r.frequency) > 0);
    expect(buyers.length).toBeGreaterThan(0);
    expect(rows.every((r) => typeof r.label_churned_next_90d === 'boolean')).toBe(true);
    expect(readFileSync(join(dir, 'training_dataset.md'), 'utf8')).toContain(
      '`label_revenue_next_90d`',
    );
  }, 60_000);

  it("exports the daily revenue: each day's sales as MySQL sums them, then 90 days of planned spend", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amato-dataset-'));
    const out = await exportDailyRevenue(postgres, analytics, asOf, dir);
    const bytes = readFileSync(out.file);
    const rows = (await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    })) as { day: string; revenue: number | null; orders: bigint | null; planned_spend: number }[];
    expect(Object.keys(rows[0] ?? {})).toEqual(DAILY_REVENUE_COLUMNS.map((c) => c.name));
    // Consecutive days; the history up to the day before the cutoff, then 90 days without sales.
    const dayMs = 86_400_000;
    rows.forEach((r, i) => {
      if (i > 0) expect(Date.parse(r.day) - Date.parse(rows[i - 1]?.day ?? '')).toBe(dayMs);
    });
    const history = rows.filter((r) => r.revenue !== null);
    expect(rows.slice(history.length).every((r) => r.revenue === null)).toBe(true);
    expect(rows.length - history.length).toBe(90);
    expect(history.at(-1)?.day).toBe('2026-01-01');
    const sales = await mysql.query<{ day: string; revenue: string; orders: number }>(
      `SELECT DATE_FORMAT(transaction_date, '%Y-%m-%d') AS day, SUM(total_amount) AS revenue,
         COUNT(*) AS orders FROM ${name}.transactions
       WHERE order_status IN ('completed', 'shipped', 'delivered') AND transaction_date < ?
       GROUP BY 1`,
      ['2026-01-02 00:00:00'],
    );
    const byDay = new Map(sales.map((s) => [s.day, s]));
    expect(history[0]?.day).toBe([...byDay.keys()].sort()[0]);
    for (const r of history) {
      const direct = byDay.get(r.day);
      expect(r.revenue).toBeCloseTo(Number(direct?.revenue ?? 0), 6);
      expect(Number(r.orders)).toBe(direct?.orders ?? 0);
    }
    // Every campaign's budget spread over its days, the days within the rows.
    const campaigns = await postgres.query<{ budget: string; start: string; days: number }>(
      `SELECT budget, to_char(start_date, 'YYYY-MM-DD') AS start, end_date - start_date + 1 AS days
       FROM ${name}.campaigns WHERE status <> 'draft' AND created_at <= $1`,
      [asOf],
    );
    const planned = new Map<string, number>();
    for (const c of campaigns)
      for (let d = 0; d < c.days; d++) {
        const day = new Date(Date.parse(c.start) + d * dayMs).toISOString().slice(0, 10);
        planned.set(day, (planned.get(day) ?? 0) + Number(c.budget) / c.days);
      }
    for (const r of rows) expect(r.planned_spend).toBeCloseTo(planned.get(r.day) ?? 0, 6);
    expect(rows.some((r) => r.planned_spend > 0)).toBe(true);
  }, 60_000);

  it("exports every reported campaign day before the cutoff's day with its campaign's parameters", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amato-dataset-'));
    const out = await exportCampaignDays(postgres, analytics, asOf, dir);
    const bytes = readFileSync(out.file);
    const rows = (await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    })) as {
      campaign_id: string;
      channel: string;
      audience: string;
      day: string;
      day_index: number;
      duration_days: number;
      daily_budget: number;
      budget: number;
      spend: number;
      revenue: number;
      conversions: bigint;
    }[];
    expect(Object.keys(rows[0] ?? {})).toEqual(CAMPAIGN_DAYS_COLUMNS.map((c) => c.name));
    const direct = await postgres.query<{
      campaign_id: string;
      day: string;
      channel: string;
      audience: string | null;
      day_index: number;
      days: number;
      budget: string;
      spend: string;
      revenue: string;
      conversions: string;
    }>(
      `SELECT p.campaign_id, to_char(p.performance_date, 'YYYY-MM-DD') AS day, k.channel,
         k.target_segment AS audience, p.performance_date - k.start_date AS day_index,
         k.end_date - k.start_date + 1 AS days, k.budget::text AS budget, p.spend::text AS spend,
         p.revenue::text AS revenue, p.conversions
       FROM ${name}.campaign_performance p JOIN ${name}.campaigns k USING (campaign_id)
       WHERE p.performance_date < $1::date
         AND p.performance_date BETWEEN k.start_date AND k.end_date
       ORDER BY day, campaign_id`,
      ['2026-01-02'],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => `${r.day} ${r.campaign_id}`)).toEqual(
      direct.map((d) => `${d.day} ${d.campaign_id}`),
    );
    rows.forEach((r, i) => {
      const d = direct[i];
      expect(r.channel).toBe(d?.channel);
      expect(r.audience).toBe(d?.audience ?? 'everyone');
      expect(r.day_index).toBe(d?.day_index);
      expect(r.duration_days).toBe(d?.days);
      expect(r.daily_budget).toBeCloseTo(Number(d?.budget) / (d?.days ?? 1), 6);
      expect(r.spend).toBeCloseTo(Number(d?.spend), 6);
      expect(r.revenue).toBeCloseTo(Number(d?.revenue), 6);
      expect(Number(r.conversions)).toBe(Number(d?.conversions));
    });
  }, 60_000);

  it('sums campaigns as PostgreSQL does and journeys as MongoDB holds them', async () => {
    const campaigns = await trino.query<{ campaign_id: string; spend: string; sessions: number }>(
      `SELECT campaign_id, spend, sessions FROM ${pg}.${analytics}.campaign_performance_summary`,
    );
    const spend = await postgres.query<{ campaign_id: string; spend: string }>(
      `SELECT campaign_id, SUM(spend)::text AS spend FROM ${name}.campaign_performance GROUP BY campaign_id`,
    );
    const spendOf = new Map(spend.map((r) => [r.campaign_id, Number(r.spend)]));
    expect(campaigns.length).toBeGreaterThan(0);
    for (const c of campaigns)
      expect(Number(c.spend)).toBeCloseTo(spendOf.get(c.campaign_id) ?? 0, 2);
    const sessionsByCampaign = await mongo
      .db(name)
      .collection('sessions')
      .aggregate<{ _id: string; n: number }>([
        { $match: { campaign_id: { $ne: null } } },
        { $group: { _id: '$campaign_id', n: { $sum: 1 } } },
      ])
      .toArray();
    const sessionsOf = new Map(sessionsByCampaign.map((r) => [r._id, r.n]));
    for (const c of campaigns) expect(c.sessions).toBe(sessionsOf.get(c.campaign_id) ?? 0);

    // Every page's next-page probabilities sum to 1; every session enters once and exits once.
    const rows = await trino.query<{
      from_page: string;
      to_page: string;
      transitions: number;
      probability: number;
    }>(
      `SELECT from_page, to_page, transitions, probability FROM ${pg}.${analytics}.page_transitions`,
    );
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(r.from_page, (sums.get(r.from_page) ?? 0) + r.probability);
    for (const total of sums.values()) expect(total).toBeCloseTo(1, 4);
    const withViews = (await mongo.db(name).collection('page_views').distinct('session_id')).length;
    const sumOf = (pick: (r: (typeof rows)[number]) => boolean) =>
      rows.filter(pick).reduce((n, r) => n + r.transitions, 0);
    expect(sumOf((r) => r.from_page === 'ENTRY')).toBe(withViews);
    expect(sumOf((r) => r.to_page === 'EXIT')).toBe(withViews);
    const [{ sessions } = { sessions: 0 }] = await trino.query<{ sessions: number }>(
      `SELECT sum(sessions) AS sessions FROM ${pg}.${analytics}.conversion_by_depth`,
    );
    expect(sessions).toBe(dataset.expected.sessions);
  }, 60_000);

  it("sums each test's users and sales as the exposures and orders give them, and analyses every test", async () => {
    type Stats = {
      test_id: string;
      variant: string;
      users: number;
      converters: number;
      revenue_sum: number;
      revenue_sum_of_squares: number;
      covariate_sum: number;
      covariate_sum_of_squares: number;
      covariate_revenue_cross_sum: number;
      covariate_converter_cross_sum: number;
    };
    const stats = await trino.query<Stats>(
      `SELECT * FROM ${pg}.${analytics}.experiment_variant_stats ORDER BY test_id, variant`,
    );
    // The generator's own tally, written as ab_test_results while it emitted the events.
    const results = await postgres.query<{
      test_id: string;
      variant: string;
      participants: string;
      conversions: string;
      revenue: string;
    }>(
      `SELECT test_id, variant, participants, conversions, revenue FROM ${name}.ab_test_results ORDER BY test_id, variant`,
    );
    expect(results.length).toBe(2 * dataset.expected.ab_tests);
    expect(stats.map((s) => [s.test_id, s.variant, s.users, s.converters])).toEqual(
      results.map((r) => [r.test_id, r.variant, Number(r.participants), Number(r.conversions)]),
    );
    for (const [i, r] of results.entries())
      expect(stats[i]?.revenue_sum).toBeCloseTo(Number(r.revenue), 6);

    // The same sums from the stores' rows, computed here: revenue in the window after exposure,
    // spend in the 90 days before it.
    const exposures = await postgres.query<{
      test_id: string;
      customer_id: string;
      variant: string;
      exposed_at: Date;
      ends: Date;
    }>(
      `SELECT e.test_id, e.customer_id, e.variant, e.exposed_at,
         (t.end_date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
       FROM ${name}.ab_test_exposures e JOIN ${name}.ab_tests t USING (test_id)`,
    );
    const sales = await mysql.query<{ customer_id: string; at: string; amount: string }>(
      `SELECT customer_id, CONCAT(DATE_FORMAT(transaction_date, '%Y-%m-%dT%H:%i:%s.'),
         LEFT(DATE_FORMAT(transaction_date, '%f'), 3), 'Z') AS at, total_amount AS amount
       FROM \`${name}\`.transactions WHERE order_status IN ('completed', 'shipped', 'delivered')`,
    );
    const salesOf = new Map<string, { at: number; amount: number }[]>();
    for (const s of sales) {
      const list = salesOf.get(s.customer_id) ?? [];
      list.push({ at: Date.parse(s.at), amount: Number(s.amount) });
      salesOf.set(s.customer_id, list);
    }
    const usersOf = new Map<string, ExposedUser[]>();
    for (const e of exposures) {
      const from = e.exposed_at.getTime();
      const mine = salesOf.get(e.customer_id) ?? [];
      const after = mine.filter((s) => s.at > from && s.at < e.ends.getTime());
      const key = `${e.test_id}/${e.variant}`;
      usersOf.set(key, [
        ...(usersOf.get(key) ?? []),
        {
          converted: after.length > 0,
          revenue: after.reduce((n, s) => n + s.amount, 0),
          preExposureSpend: mine
            .filter((s) => s.at < from && s.at >= from - 90 * 86_400_000)
            .reduce((n, s) => n + s.amount, 0),
        },
      ]);
    }
    for (const s of stats) {
      const own = variantStatisticsOf(s.variant, usersOf.get(`${s.test_id}/${s.variant}`) ?? []);
      expect([s.users, s.converters]).toEqual([own.users, own.converters]);
      expect(s.revenue_sum_of_squares).toBeCloseTo(own.revenueSumOfSquares, 4);
      expect(s.covariate_sum).toBeCloseTo(own.covariate?.sum ?? 0, 6);
      expect(s.covariate_sum_of_squares).toBeCloseTo(own.covariate?.sumOfSquares ?? 0, 4);
      expect(s.covariate_revenue_cross_sum).toBeCloseTo(own.covariate?.revenueCrossSum ?? 0, 4);
      expect(s.covariate_converter_cross_sum).toBeCloseTo(own.covariate?.converterCrossSum ?? 0, 6);
    }

    // One look a day from the start to the end of each window, cumulative, ending at the totals.
    const daily = await trino.query<Stats & { day: string }>(
      `SELECT test_id, variant, CAST(day AS varchar) AS day, users, converters, revenue_sum,
         revenue_sum_of_squares FROM ${pg}.${analytics}.experiment_daily_stats
       ORDER BY test_id, variant, day`,
    );
    for (const s of stats) {
      const series = daily.filter((d) => d.test_id === s.test_id && d.variant === s.variant);
      expect(series.length).toBeGreaterThan(0);
      for (const [i, d] of series.entries()) {
        if (i > 0) expect(d.users).toBeGreaterThanOrEqual(series[i - 1]?.users ?? 0);
        expect(d.users).toBe(
          exposures.filter(
            (e) =>
              e.test_id === s.test_id &&
              e.variant === s.variant &&
              e.exposed_at.toISOString().slice(0, 10) <= d.day,
          ).length,
        );
      }
      const last = series.at(-1);
      expect([last?.users, last?.converters]).toEqual([s.users, s.converters]);
      expect(last?.revenue_sum).toBeCloseTo(s.revenue_sum, 6);
      expect(last?.revenue_sum_of_squares).toBeCloseTo(s.revenue_sum_of_squares, 4);
    }

    // Every test has a result: a verdict when each variant has the two users a variance needs.
    const verdicts = await postgres.query<{
      test_id: string;
      decision: string | null;
      reason: string;
    }>(`SELECT test_id, decision, reason FROM ${analytics}.experiment_results ORDER BY test_id`);
    expect(verdicts).toHaveLength(dataset.expected.ab_tests);
    for (const v of verdicts) {
      const analysable = stats.filter((s) => s.test_id === v.test_id).every((s) => s.users >= 2);
      if (analysable)
        expect(['ship', 'dont_ship', 'keep_running', 'broken_srm']).toContain(v.decision);
      else
        expect(v).toMatchObject({
          decision: null,
          reason: expect.stringMatching(/^not analysed: /) as unknown,
        });
    }
  }, 60_000);

  it('records each session prefix as the journey state stood at each page view before a purchase', async () => {
    type Prefix = {
      session_id: string;
      prefix_time: number;
      pages: number;
      depth: number;
      time_on_site_seconds: number;
      cart_adds: number;
      searches: number;
      last_page_type: string | null;
      converted: boolean;
    };
    const prefixes = await trino.query<Prefix>(
      `SELECT session_id, prefix_time, pages, depth, time_on_site_seconds, cart_adds, searches,
         last_page_type, converted FROM ${pg}.${analytics}.journey_prefixes`,
    );
    // The same states from the clickstream's documents, for every session, computed here.
    const db = mongo.db(name);
    type Doc = Record<string, unknown>;
    const [views, events, searches, sessions] = await Promise.all(
      ['page_views', 'events', 'search_queries', 'sessions'].map((c) =>
        db.collection<Doc>(c).find({}).toArray(),
      ),
    );
    const timeOf = (d: Doc) => (d.timestamp as Date).getTime();
    const expected: Prefix[] = [];
    for (const s of sessions ?? []) {
      const id = s.session_id as string;
      const mine = [
        ...(views ?? [])
          .filter((d) => d.session_id === id)
          .map((d) => ({ d, tie: 0, kind: 'page' })),
        ...(events ?? [])
          .filter((d) => d.session_id === id)
          .map((d) => ({ d, tie: 1, kind: 'event' })),
        ...(searches ?? [])
          .filter((d) => d.session_id === id)
          .map((d) => ({ d, tie: 1, kind: 'search' })),
      ].sort((a, b) => timeOf(a.d) - timeOf(b.d) || a.tie - b.tie);
      let pages = 0,
        depth = 0,
        carts = 0,
        searched = 0,
        bought = 0,
        first = Infinity;
      let lastPage: string | null = null;
      for (const { d, kind } of mine) {
        first = Math.min(first, timeOf(d));
        if (kind === 'page') {
          pages += 1;
          if ((d.sequence_number as number) > depth) {
            depth = d.sequence_number as number;
            lastPage = d.page_type as string;
          }
        } else if (kind === 'search') searched += 1;
        else if (d.event_type === 'add_to_cart') carts += 1;
        else if (d.event_type === 'purchase') bought += 1;
        if (kind === 'page' && bought === 0)
          expected.push({
            session_id: id,
            prefix_time: timeOf(d),
            pages,
            depth,
            time_on_site_seconds: Math.round((timeOf(d) - first) / 1000),
            cart_adds: carts,
            searches: searched,
            last_page_type: lastPage,
            converted: s.converted as boolean,
          });
      }
    }
    const key = (p: Prefix) => `${p.session_id}/${p.pages}`;
    const sort = (rows: Prefix[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    expect(prefixes.length).toBeGreaterThan(dataset.expected.sessions);
    expect(sort(prefixes)).toEqual(sort(expected));
  }, 60_000);

  it('finds exactly the defects planted in the stores', async () => {
    const [order] = await mysql.query<{ transaction_id: string }>(
      `SELECT transaction_id FROM \`${name}\`.transactions ORDER BY transaction_id LIMIT 1`,
    );
    const orderId = order?.transaction_id ?? '';
    // An order whose customer is gone (loaded around the foreign key), with a matching item.
    await mysql.transaction(async (c) => {
      await c.query('SET FOREIGN_KEY_CHECKS = 0');
      await c.query(
        `INSERT INTO \`${name}\`.transactions VALUES ('TXN_99999999', 'CUST_999999', '2025-06-01 10:00:00', 10.00, 'EUR', 'card', 'completed', 'store', NULL)`,
      );
      await c.query(
        `INSERT INTO \`${name}\`.transaction_items (transaction_id, line_number, product_id, product_name, category, quantity, unit_price, discount_amount, line_total)
         VALUES ('TXN_99999999', 1, 'PROD_0001', 'Planted', 'books', 1, 10.00, 0.00, 10.00)`,
      );
      await c.query('SET FOREIGN_KEY_CHECKS = 1');
    });
    // A line total that no longer matches its line, nor its order.
    await mysql.execute(
      `UPDATE \`${name}\`.transaction_items SET line_total = line_total + 1 WHERE transaction_id = ? AND line_number = 1`,
      [orderId],
    );
    // The same order again under another id, line items and all.
    const [second] = await mysql.query<{ transaction_id: string }>(
      `SELECT transaction_id FROM \`${name}\`.transactions ORDER BY transaction_id LIMIT 1 OFFSET 1`,
    );
    await mysql.execute(
      `INSERT INTO \`${name}\`.transactions SELECT 'TXN_99999998', customer_id, transaction_date,
         total_amount, currency, payment_method, order_status, channel, session_id
       FROM \`${name}\`.transactions WHERE transaction_id = ?`,
      [second?.transaction_id],
    );
    await mysql.execute(
      `INSERT INTO \`${name}\`.transaction_items (transaction_id, line_number, product_id,
         product_name, category, quantity, unit_price, discount_amount, line_total)
       SELECT 'TXN_99999998', line_number, product_id, product_name, category, quantity,
         unit_price, discount_amount, line_total
       FROM \`${name}\`.transaction_items WHERE transaction_id = ?`,
      [second?.transaction_id],
    );
    // An exposure of a customer who never was: its variant's result no longer counts it.
    await postgres.query(
      `INSERT INTO ${name}.ab_test_exposures (test_id, customer_id, variant, exposed_at, updated_at)
       SELECT test_id, 'CUST_999997', 'control', start_date::timestamp AT TIME ZONE 'UTC',
         start_date::timestamp AT TIME ZONE 'UTC'
       FROM ${name}.ab_tests WHERE test_id = 'TEST_0001'`,
    );
    // A page view of a session that never was, and a session of a customer that never was.
    await mongo
      .db(name)
      .collection('page_views')
      .insertOne({
        _id: 'planted-pv' as never,
        page_view_id: 'PV_PLANTED',
        session_id: 'SESS_MISSING',
        customer_id: null,
        timestamp: new Date('2025-06-01T10:00:00Z'),
        page_url: '/',
        page_type: 'home',
        referrer: null,
        time_on_page_seconds: 5,
        scroll_depth: 0.5,
        product_id: null,
        category: null,
        sequence_number: 1,
      });
    const [session] = await mongo.db(name).collection('sessions').find({}).limit(1).toArray();
    // A page view that lost its page type.
    await mongo
      .db(name)
      .collection('page_views')
      .insertOne({
        _id: 'planted-pv-untyped' as never,
        page_view_id: 'PV_UNTYPED',
        session_id: session?.session_id as string,
        customer_id: null,
        timestamp: new Date('2025-06-01T10:00:00Z'),
        page_url: '/',
        page_type: null,
        referrer: null,
        time_on_page_seconds: 5,
        scroll_depth: 0.5,
        product_id: null,
        category: null,
        sequence_number: 99,
      });
    await mongo
      .db(name)
      .collection('sessions')
      .insertOne({
        ...session,
        _id: 'planted-session' as never,
        session_id: 'SESS_PLANTED',
        customer_id: 'CUST_999998',
      });

    const run = await runner.run(batchSteps(trino, postgres, config.batch), {
      asOf,
      analyticsSchema: analytics,
    });
    expect(run.status).toBe('succeeded');
    const found = await failing();
    expect(found.map((c) => [c.check_name, c.failing_rows])).toEqual([
      ['ab_test_exposures_orphan_customer', 1],
      ['ab_test_results_participants', 1],
      ['page_views_missing_fields', 1],
      ['page_views_orphan_session', 1],
      ['sessions_orphan_customer', 1],
      ['transaction_items_line_total', 1],
      ['transactions_duplicate', 1],
      ['transactions_items_mismatch', 1],
      ['transactions_orphan_customer', 1],
    ]);
    const examples = Object.fromEntries(found.map((c) => [c.check_name, c.examples]));
    expect(examples).toMatchObject({
      ab_test_exposures_orphan_customer: 'TEST_0001:CUST_999997',
      ab_test_results_participants: 'TEST_0001:control',
      page_views_missing_fields: 'PV_UNTYPED',
      transactions_duplicate: 'TXN_99999998',
      page_views_orphan_session: 'PV_PLANTED',
      sessions_orphan_customer: 'SESS_PLANTED',
      transactions_items_mismatch: orderId,
      transactions_orphan_customer: 'TXN_99999999',
    });
  }, 180_000);

  describe('over HTTP', () => {
    let api: NestFastifyApplication;
    const headers = { 'x-api-key': 'test-key-analytics-0123456789' };
    const get = async (url: string) => {
      const r = await api.inject({ method: 'GET', url, headers });
      return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
    };

    beforeAll(async () => {
      api = await createApi({
        ...config,
        api: { ...config.api, apiKeys: [headers['x-api-key']] },
        batch: { ...config.batch, analyticsSchema: analytics },
      });
      await api.init();
      await api.getHttpAdapter().getInstance().ready();
    });

    afterAll(() => api.close());

    it('serves the data-quality checks, paged and filtered', async () => {
      const all = await get('/analytics/data-quality?limit=5');
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ limit: 5, offset: 0 });
      expect((all.body.items as unknown[]).length).toBe(5);
      // The defects planted above are all errors.
      const failing = await get('/analytics/data-quality?failing=true&severity=error');
      expect(failing.body.total).toBe(9);
      expect(
        (failing.body.items as { check_name: string }[]).map((c) => c.check_name).sort(),
      ).toEqual([
        'ab_test_exposures_orphan_customer',
        'ab_test_results_participants',
        'page_views_missing_fields',
        'page_views_orphan_session',
        'sessions_orphan_customer',
        'transaction_items_line_total',
        'transactions_duplicate',
        'transactions_items_mismatch',
        'transactions_orphan_customer',
      ]);
    });

    it('serves RFM segments and customers, campaigns, channels and journeys', async () => {
      const segments = await get('/analytics/rfm/segments');
      expect(segments.status).toBe(200);
      const customers = (segments.body as unknown as { customers: number }[]).reduce(
        (n, s) => n + s.customers,
        0,
      );
      expect(customers).toBe(dataset.expected.customers);
      const champions = await get('/analytics/rfm/customers?segment=Champions&limit=3');
      expect(champions.status).toBe(200);
      expect(
        (champions.body.items as { rfm_segment: string }[]).every(
          (c) => c.rfm_segment === 'Champions',
        ),
      ).toBe(true);
      const campaigns = await get('/analytics/campaigns?limit=2');
      expect(campaigns.body.total).toBeGreaterThan(0);
      expect(typeof (campaigns.body.items as { roas: unknown }[])[0]?.roas).toBe('number');
      expect((await get('/analytics/channels')).status).toBe(200);
      const entry = await get('/analytics/journeys/transitions?from_page=ENTRY');
      const rows = entry.body as unknown as { probability: number }[];
      expect(rows.reduce((p, r) => p + r.probability, 0)).toBeCloseTo(1, 4);
      expect((await get('/analytics/journeys/paths?limit=10')).status).toBe(200);
      expect((await get('/analytics/journeys/depth')).status).toBe(200);
      expect((await get('/analytics/batch/last')).body).toMatchObject({ status: 'succeeded' });
    });

    it('serves the experiments with their verdicts, and one test with its whole analysis', async () => {
      const list = await get('/analytics/experiments');
      expect(list.status).toBe(200);
      const items = list.body.items as { test_id: string; decision: string | null }[];
      expect(list.body.total).toBe(dataset.expected.ab_tests);
      expect(items.map((i) => i.test_id)).toEqual(['TEST_0001', 'TEST_0002']);
      const one = await get('/analytics/experiments/TEST_0001');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        test_id: 'TEST_0001',
        decision: items[0]?.decision ?? null,
      });
      if (one.body.decision !== null)
        expect(one.body.analysis).toMatchObject({ testId: 'TEST_0001', control: 'control' });
      const filtered = await get('/analytics/experiments?decision=ship');
      expect(
        (filtered.body.items as { decision: string }[]).every((i) => i.decision === 'ship'),
      ).toBe(true);
      expect((await get('/analytics/experiments/TEST_9999')).status).toBe(404);
      const bad = await get('/analytics/experiments/DROP%20TABLE');
      expect(bad.status).toBe(400);
      expect(String(bad.body.message)).toMatch(/testId: expected an A\/B test id TEST_0001/);
      expect((await get('/analytics/experiments?decision=maybe')).status).toBe(400);
    });

    it('simulates journeys on the transition probabilities, reproducibly, and refuses what it cannot', async () => {
      const post = async (payload: unknown) => {
        const r = await api.inject({
          method: 'POST',
          url: '/journey/simulate',
          headers,
          payload: payload as never,
        });
        return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
      };
      const r = await post({ start_page: 'product', simulations: 5000, seed: 1 });
      expect(r.status).toBe(200);
      const exact = r.body.exactConversionProbability as number;
      const interval = r.body.conversionInterval as { lower: number; upper: number };
      expect(exact).toBeGreaterThan(0);
      expect(interval.lower).toBeLessThanOrEqual(exact);
      expect(interval.upper).toBeGreaterThanOrEqual(exact);
      expect((r.body.nextPages as unknown[]).length).toBeGreaterThan(0);
      expect((await post({ start_page: 'product', simulations: 5000, seed: 1 })).body).toEqual(
        r.body,
      );
      const unknown = await post({ start_page: 'basement' });
      expect(unknown.status).toBe(400);
      expect(String(unknown.body.message)).toMatch(/start page basement: no transitions leave it/);
      expect((await post({ start_page: 'home', session_id: 'SESS_00000000' })).status).toBe(400);
      expect((await post({ session_id: 'SESS_NOSUCHONE' })).status).toBe(404);
      expect((await post({ simulations: 0 })).status).toBe(400);
    });

    it('refuses bad parameters with a 400 naming them', async () => {
      const bad = await get('/analytics/rfm/customers?segment=Nobody&limit=0');
      expect(bad.status).toBe(400);
      expect(String(bad.body.message)).toMatch(/segment: expected one of Champions/);
      expect(String(bad.body.message)).toMatch(/limit: expected a whole number from 1 to 1000/);
      const unknown = await get('/analytics/channels?drop=table');
      expect(unknown.status).toBe(400);
      const injection = await get("/analytics/campaigns?channel=email'%20OR%201=1--");
      expect(injection.status).toBe(400);
    });

    it('says when no batch has produced the results yet', async () => {
      const empty = await createApi({
        ...config,
        api: { ...config.api, apiKeys: [headers['x-api-key']] },
        batch: { ...config.batch, analyticsSchema: 'no_such_analytics' },
      });
      await empty.init();
      const r = await empty.inject({ method: 'GET', url: '/analytics/rfm/segments', headers });
      expect(r.statusCode).toBe(404);
      expect(r.json<{ message: string }>().message).toMatch(/run `\.\/amato batch`/);
      await empty.close();
    });
  });

  it('stops at a failing step naming its file and line, and leaves the previous results readable', async () => {
    const before = await failing();
    const dir = mkdtempSync(join(tmpdir(), 'amato-sql-'));
    cpSync('sql/01_data_cleanup.sql', join(dir, '01_data_cleanup.sql'));
    writeFileSync(
      join(dir, '02_broken.sql'),
      '-- A step with a mistake on its third line.\nCREATE TABLE ${analytics}.broken AS\nSELECT no_such_column\nFROM ${mysql}.customers;\n',
    );
    const failure = runner.run(loadScripts(dir), { asOf, analyticsSchema: analytics });
    await expect(failure).rejects.toBeInstanceOf(BatchStepError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^${join(dir, '02_broken.sql')}:3:8: Trino COLUMN_NOT_FOUND .*no_such_column`),
    );
    expect(await failing()).toEqual(before);
    expect(await reader.lastRun()).toMatchObject({ status: 'failed' });
    const leftovers = await postgres.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE $1`,
      [`${analytics}_run_%`],
    );
    expect(leftovers[0]?.n).toBe(0);
    expect(await stagedSchemas()).toEqual([]);
  }, 120_000);
});
