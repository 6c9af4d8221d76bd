import type { EventEnvelope } from '@amato/contracts';
import { insertRows, type PostgresService } from '@amato/postgres';
import { earliestByKey, latestByKey } from './store-targets';

type Row = readonly unknown[];

/** Campaigns, their daily performance, A/B tests, exposures and results into PostgreSQL, as idempotent upserts. */
export class PostgresWriter {
  constructor(
    private readonly postgres: PostgresService,
    private readonly schema: string,
  ) {}

  /** Multi-row upserts in chunks that stay under PostgreSQL's 65,535 parameters. */
  private upsert(
    table: string,
    columns: readonly string[],
    rows: readonly Row[],
    conflict: string,
  ): Promise<void> {
    return insertRows(this.postgres, `${this.schema}.${table}`, columns, rows, conflict);
  }

  /** An update that keeps the latest state by event time (updated_at). */
  private latestWins(table: string, key: string, columns: readonly string[]): string {
    const set = columns
      .filter((c) => !key.split(', ').includes(c))
      .map((c) => `${c} = EXCLUDED.${c}`);
    return `ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')} WHERE ${this.schema}.${table}.updated_at <= EXCLUDED.updated_at`;
  }

  async existing(
    table: 'campaigns' | 'ab_tests',
    key: 'campaign_id' | 'test_id',
    ids: readonly string[],
  ): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.postgres.query<Record<string, string>>(
      `SELECT ${key} FROM ${this.schema}.${table} WHERE ${key} = ANY($1)`,
      [[...new Set(ids)]],
    );
    return new Set(rows.map((r) => r[key] ?? ''));
  }

  async writeCampaigns(events: readonly EventEnvelope<'campaign.upserted'>[]): Promise<void> {
    const columns = [
      'campaign_id',
      'campaign_name',
      'channel',
      'campaign_type',
      'start_date',
      'end_date',
      'budget',
      'target_segment',
      'status',
      'created_at',
      'updated_at',
    ];
    const rows = latestByKey(events, (e) => e.payload.campaign_id).map((e) => {
      const p = e.payload;
      return [
        p.campaign_id,
        p.campaign_name,
        p.channel,
        p.campaign_type,
        p.start_date,
        p.end_date,
        p.budget.toFixed(2),
        p.target_segment,
        p.status,
        e.event_time,
        e.event_time,
      ];
    });
    await this.upsert(
      'campaigns',
      columns,
      rows,
      this.latestWins(
        'campaigns',
        'campaign_id',
        columns.filter((c) => c !== 'created_at'),
      ),
    );
  }

  async writePerformance(
    events: readonly EventEnvelope<'campaign.performance.recorded'>[],
  ): Promise<void> {
    const columns = [
      'campaign_id',
      'performance_date',
      'impressions',
      'clicks',
      'conversions',
      'spend',
      'revenue',
      'updated_at',
    ];
    const rows = latestByKey(
      events,
      (e) => `${e.payload.campaign_id}|${e.payload.performance_date}`,
    ).map((e) => {
      const p = e.payload;
      return [
        p.campaign_id,
        p.performance_date,
        p.impressions,
        p.clicks,
        p.conversions,
        p.spend.toFixed(2),
        p.revenue.toFixed(2),
        e.event_time,
      ];
    });
    await this.upsert(
      'campaign_performance',
      columns,
      rows,
      this.latestWins('campaign_performance', 'campaign_id, performance_date', columns),
    );
  }

  async writeAbTests(events: readonly EventEnvelope<'ab_test.upserted'>[]): Promise<void> {
    const columns = [
      'test_id',
      'test_name',
      'campaign_id',
      'hypothesis',
      'metric',
      'start_date',
      'end_date',
      'status',
      'traffic_split',
      'true_lift',
      'updated_at',
    ];
    const rows = latestByKey(events, (e) => e.payload.test_id).map((e) => {
      const p = e.payload;
      return [
        p.test_id,
        p.test_name,
        p.campaign_id,
        p.hypothesis,
        p.metric,
        p.start_date,
        p.end_date,
        p.status,
        p.traffic_split,
        p.true_lift,
        e.event_time,
      ];
    });
    await this.upsert('ab_tests', columns, rows, this.latestWins('ab_tests', 'test_id', columns));
  }

  /**
   * A customer is exposed to a test once, when first seen: the earliest exposure wins, so a
   * redelivered or a later one changes nothing.
   */
  async writeAbExposures(
    events: readonly EventEnvelope<'ab_test.exposure.recorded'>[],
  ): Promise<void> {
    const columns = ['test_id', 'customer_id', 'variant', 'exposed_at', 'updated_at'];
    const rows = earliestByKey(
      events,
      (e) => `${e.payload.test_id}|${e.payload.customer_id}`,
      (e) => Date.parse(e.payload.exposed_at),
    ).map((e) => {
      const p = e.payload;
      return [p.test_id, p.customer_id, p.variant, p.exposed_at, e.event_time];
    });
    const table = `${this.schema}.ab_test_exposures`;
    await this.upsert(
      'ab_test_exposures',
      columns,
      rows,
      `ON CONFLICT (test_id, customer_id) DO UPDATE SET variant = EXCLUDED.variant, exposed_at = EXCLUDED.exposed_at, updated_at = EXCLUDED.updated_at WHERE ${table}.exposed_at > EXCLUDED.exposed_at`,
    );
  }

  async writeAbResults(events: readonly EventEnvelope<'ab_test.result.recorded'>[]): Promise<void> {
    const columns = [
      'test_id',
      'variant',
      'participants',
      'conversions',
      'revenue',
      'period_start',
      'period_end',
      'updated_at',
    ];
    const key = 'test_id, variant, period_start, period_end';
    const rows = latestByKey(
      events,
      (e) =>
        `${e.payload.test_id}|${e.payload.variant}|${e.payload.period_start}|${e.payload.period_end}`,
    ).map((e) => {
      const p = e.payload;
      return [
        p.test_id,
        p.variant,
        p.participants,
        p.conversions,
        p.revenue.toFixed(2),
        p.period_start,
        p.period_end,
        e.event_time,
      ];
    });
    await this.upsert(
      'ab_test_results',
      columns,
      rows,
      this.latestWins('ab_test_results', key, columns),
    );
  }
}
