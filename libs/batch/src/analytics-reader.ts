import { NotFoundException } from '@nestjs/common';
import type { PostgresService } from '@amato/postgres';
import type { BatchRun, StepResult } from './batch-runner';
import type { ExperimentResultRow } from './experiment-inputs';

/** The named RFM segments of 02_customer_rfm.sql, and the label of customers without a sale. */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential Loyalist',
  'New',
  'Promising',
  'Need Attention',
  'About to Sleep',
  'At Risk',
  "Can't Lose Them",
  'Hibernating',
  'Lost',
  'No Purchase Yet',
] as const;

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface Paged<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** A test as experiment_results keeps it, without the analysis. */
export type ExperimentSummary = Omit<ExperimentResultRow, 'analysis'> & Record<string, unknown>;

const EXPERIMENT_COLUMNS = `test_id, test_name, metric, primary_metric, true_lift,
  start_date::text AS start_date, end_date::text AS end_date,
  to_char(observed_until, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS observed_until,
  users::int AS users, srm_p_value, decision, winner, reason`;

/** Postgres' codes for a schema or table that is not there: no batch has produced it yet. */
const NOT_PRODUCED = new Set(['3F000', '42P01']);

/**
 * Reads the batch's results from PostgreSQL's analytics schema, every filter a bound
 * parameter. Numbers come back as numbers (counts as integers, money and ratios as doubles).
 * Before the first batch run, a read is a 404 that says to run it.
 */
export class AnalyticsReader {
  constructor(
    private readonly postgres: PostgresService,
    private readonly schema: string,
    private readonly runsSchema: string,
  ) {}

  private async rows<T extends Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    try {
      return await this.postgres.query<T>(sql, [...params]);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && NOT_PRODUCED.has(code))
        throw new NotFoundException(
          'no batch results yet: run `./amato batch` (or wait for the main job to run it)',
        );
      throw err;
    }
  }

  private async paged<T extends Record<string, unknown>>(
    select: string,
    from: string,
    where: string,
    params: readonly unknown[],
    order: string,
    page: Page,
  ): Promise<Paged<T>> {
    const n = params.length;
    const [items, [total]] = await Promise.all([
      this.rows<T>(
        `SELECT ${select} FROM ${this.schema}.${from} ${where} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, page.limit, page.offset],
      ),
      this.rows<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM ${this.schema}.${from} ${where}`,
        params,
      ),
    ]);
    return { items, total: total?.n ?? 0, limit: page.limit, offset: page.offset };
  }

  dataQuality(filter: { severity?: string; failingOnly?: boolean }, page: Page) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.severity) {
      params.push(filter.severity);
      where.push(`severity = $${params.length}`);
    }
    if (filter.failingOnly) where.push('failing_rows > 0');
    return this.paged(
      `check_name, table_name, severity, description, failing_rows::int8::float8 AS failing_rows,
       checked_rows::int8::float8 AS checked_rows, examples`,
      'data_quality_summary',
      where.length ? `WHERE ${where.join(' AND ')}` : '',
      params,
      'failing_rows DESC, check_name',
      page,
    );
  }

  rfmSegments() {
    return this.rows<
      { rfm_segment: string; customers: number; share: number } & Record<string, unknown>
    >(
      `SELECT rfm_segment, customers::int AS customers, share::float8 AS share,
         mean_recency_days::float8 AS mean_recency_days, mean_frequency::float8 AS mean_frequency,
         mean_monetary::float8 AS mean_monetary, total_monetary::float8 AS total_monetary
       FROM ${this.schema}.rfm_segments ORDER BY customers DESC, rfm_segment`,
    );
  }

  rfmCustomers(filter: { segment?: string }, page: Page) {
    const params = filter.segment ? [filter.segment] : [];
    return this.paged(
      `customer_id, recency_days::int AS recency_days, frequency::int AS frequency,
       monetary::float8 AS monetary, r_score, f_score, m_score, rfm_segment,
       avg_order_value::float8 AS avg_order_value, lifetime_value::float8 AS lifetime_value,
       purchase_velocity::float8 AS purchase_velocity,
       projected_annual_value::float8 AS projected_annual_value, tenure_days::int AS tenure_days`,
      'customer_rfm',
      filter.segment ? 'WHERE rfm_segment = $1' : '',
      params,
      'monetary DESC, customer_id',
      page,
    );
  }

  campaigns(filter: { channel?: string; tier?: string }, page: Page) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.channel) {
      params.push(filter.channel);
      where.push(`channel = $${params.length}`);
    }
    if (filter.tier) {
      params.push(filter.tier);
      where.push(`performance_tier = $${params.length}`);
    }
    return this.paged(
      `campaign_id, campaign_name, channel, campaign_type, start_date::text AS start_date,
       end_date::text AS end_date, budget::float8 AS budget, impressions::float8 AS impressions,
       clicks::float8 AS clicks, conversions::float8 AS conversions, spend::float8 AS spend,
       revenue::float8 AS revenue, ctr, conversion_rate, cpc, cpa, roas, roi, budget_used,
       sessions::float8 AS sessions, converted_sessions::float8 AS converted_sessions,
       session_conversion_rate, customers_reached::float8 AS customers_reached,
       session_orders::float8 AS session_orders, session_order_revenue::float8 AS session_order_revenue,
       performance_tier`,
      'campaign_performance_summary',
      where.length ? `WHERE ${where.join(' AND ')}` : '',
      params,
      'roas DESC NULLS LAST, campaign_id',
      page,
    );
  }

  channels() {
    return this.rows(
      `SELECT channel, campaigns::int AS campaigns, spend::float8 AS spend, revenue::float8 AS revenue,
         ctr, conversion_rate, cpc, cpa, roas, roi, spend_share, revenue_share, roas_rank::int AS roas_rank,
         sessions::float8 AS sessions, session_orders::float8 AS session_orders,
         session_order_revenue::float8 AS session_order_revenue
       FROM ${this.schema}.channel_efficiency ORDER BY roas_rank, channel`,
    );
  }

  transitions(filter: { fromPage?: string }) {
    return this.rows(
      `SELECT from_page, to_page, transitions::float8 AS transitions, probability
       FROM ${this.schema}.page_transitions ${filter.fromPage ? 'WHERE from_page = $1' : ''}
       ORDER BY from_page, probability DESC, to_page`,
      filter.fromPage ? [filter.fromPage] : [],
    );
  }

  topPaths(page: Page) {
    return this.paged(
      `path, sessions::float8 AS sessions, conversion_rate, mean_duration_seconds::float8 AS mean_duration_seconds,
       mean_depth::float8 AS mean_depth`,
      'top_paths',
      '',
      [],
      'sessions DESC, path',
      page,
    );
  }

  conversionByDepth() {
    return this.rows(
      `SELECT depth::int AS depth, sessions::float8 AS sessions, converted_sessions::float8 AS converted_sessions,
         conversion_rate FROM ${this.schema}.conversion_by_depth ORDER BY depth`,
    );
  }

  /** The tests with their verdicts (the analysis itself is experiment(testId)'s). */
  experiments(filter: { decision?: string }, page: Page) {
    const params = filter.decision ? [filter.decision] : [];
    return this.paged<ExperimentSummary>(
      `${EXPERIMENT_COLUMNS}, (SELECT jsonb_agg(jsonb_build_object(
          'treatment', c.treatment, 'metric', c.metric, 'control', c.control_value,
          'value', c.treatment_value, 'relativeLift', c.relative_lift,
          'relativeLower', c.relative_lower, 'relativeUpper', c.relative_upper,
          'intervalLower', c.sequential_lower, 'intervalUpper', c.sequential_upper,
          'pValue', c.p_value, 'chanceToBeatControl', c.chance_to_beat_control,
          'mdeRelative', c.mde_relative)
          ORDER BY c.treatment, c.metric)
        FROM ${this.schema}.experiment_comparisons c WHERE c.test_id = r.test_id) AS lifts`,
      'experiment_results r',
      filter.decision ? 'WHERE decision = $1' : '',
      params,
      'test_id',
      page,
    );
  }

  /** One test: its verdict and the engine's whole analysis. */
  async experiment(testId: string): Promise<ExperimentSummary & { analysis: unknown }> {
    const [row] = await this.rows<ExperimentSummary & { analysis: unknown }>(
      `SELECT ${EXPERIMENT_COLUMNS}, analysis FROM ${this.schema}.experiment_results WHERE test_id = $1`,
      [testId],
    );
    if (!row) throw new NotFoundException(`no experiment "${testId}" in the last batch run`);
    return row;
  }

  async lastRun(): Promise<BatchRun> {
    const [row] = await this.rows<{
      run_id: string;
      as_of: Date;
      started_at: Date;
      finished_at: Date;
      status: 'succeeded' | 'failed';
      steps: StepResult[];
      error: string | null;
    }>(
      `SELECT run_id, as_of, started_at, finished_at, status, steps, error
       FROM ${this.runsSchema}.batch_runs ORDER BY started_at DESC LIMIT 1`,
    );
    if (!row) throw new NotFoundException('no batch has run yet: run `./amato batch`');
    return {
      runId: row.run_id,
      asOf: row.as_of.toISOString(),
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at.toISOString(),
      status: row.status,
      steps: row.steps,
      error: row.error,
    };
  }
}
