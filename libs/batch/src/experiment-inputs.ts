import {
  ExperimentInputError,
  validateExperiment,
  type ExperimentAnalysis,
  type ExperimentInput,
  type Interval,
  type Metric,
  type MetricComparison,
  type VariantStatistics,
} from '@amato/experiments';

/** A row of experiment_tests (05_experiments.sql). */
export interface ExperimentTestRow extends Record<string, unknown> {
  readonly test_id: string;
  readonly test_name: string;
  readonly metric: string;
  readonly primary_metric: string;
  readonly traffic_split: number;
  readonly true_lift: number | null;
  readonly start_date: string;
  readonly end_date: string;
  readonly observed_until: string;
}

/** A row of experiment_variant_stats. */
export interface VariantStatsRow extends Record<string, unknown> {
  readonly test_id: string;
  readonly variant: string;
  readonly users: number;
  readonly converters: number;
  readonly revenue_sum: number;
  readonly revenue_sum_of_squares: number;
  readonly covariate_sum: number;
  readonly covariate_sum_of_squares: number;
  readonly covariate_revenue_cross_sum: number;
  readonly covariate_converter_cross_sum: number;
}

/** A row of experiment_daily_stats. */
export interface DailyStatsRow extends Record<string, unknown> {
  readonly test_id: string;
  readonly variant: string;
  readonly day: string;
  readonly users: number;
  readonly converters: number;
  readonly revenue_sum: number;
  readonly revenue_sum_of_squares: number;
}

/** The control's name in AMATO's tests; a test without one compares with its first variant. */
export const CONTROL = 'control';

/** A test the engine can analyse, or the reason it cannot yet. */
export type PreparedTest = {
  readonly test: ExperimentTestRow;
  /** Exposed users over every variant. */
  readonly users: number;
} & (
  | { readonly input: ExperimentInput; readonly error: null }
  | { readonly input: null; readonly error: string }
);

/**
 * The engine's input of each test from the three tables of 05_experiments.sql: the control,
 * the planned split (traffic_split to the treatments, the rest to the control), the primary
 * metric, the covariate and the daily looks. A test the engine would refuse (a variant with
 * fewer than two users, say) is kept with the engine's own message, so the results say why it
 * has no verdict rather than dropping it.
 */
export function prepareExperiments(
  tests: readonly ExperimentTestRow[],
  variants: readonly VariantStatsRow[],
  daily: readonly DailyStatsRow[],
): PreparedTest[] {
  const variantsOf = groupBy(variants, (v) => v.test_id);
  const dailyOf = groupBy(daily, (d) => `${d.test_id}\u0000${d.variant}`);
  return [...tests]
    .sort((a, b) => a.test_id.localeCompare(b.test_id))
    .map((test): PreparedTest => {
      const rows = [...(variantsOf.get(test.test_id) ?? [])].sort((a, b) =>
        a.variant === CONTROL ? -1 : b.variant === CONTROL ? 1 : a.variant.localeCompare(b.variant),
      );
      const control = rows[0]?.variant ?? CONTROL;
      const treatments = rows.length - 1;
      const input: ExperimentInput = {
        testId: test.test_id,
        control,
        primaryMetric: test.primary_metric === 'revenue' ? 'revenue' : 'conversion',
        plannedSplit: Object.fromEntries(
          rows.map((r) => [
            r.variant,
            r.variant === control ? 1 - test.traffic_split : test.traffic_split / treatments,
          ]),
        ),
        variants: rows.map((r): VariantStatistics => ({
          variant: r.variant,
          users: r.users,
          converters: r.converters,
          revenueSum: r.revenue_sum,
          revenueSumOfSquares: r.revenue_sum_of_squares,
          covariate: {
            sum: r.covariate_sum,
            sumOfSquares: r.covariate_sum_of_squares,
            revenueCrossSum: r.covariate_revenue_cross_sum,
            converterCrossSum: r.covariate_converter_cross_sum,
          },
          ...daysOf(dailyOf.get(`${r.test_id}\u0000${r.variant}`)),
        })),
      };
      const users = rows.reduce((n, r) => n + r.users, 0);
      try {
        validateExperiment(input);
        return { test, users, input, error: null };
      } catch (err) {
        if (err instanceof ExperimentInputError)
          return { test, users, input: null, error: err.message };
        throw err;
      }
    });
}

/** One row of experiment_results: a test, its verdict, and the whole analysis as JSON. */
export interface ExperimentResultRow {
  readonly test_id: string;
  readonly test_name: string;
  readonly metric: string;
  readonly primary_metric: string;
  readonly true_lift: number | null;
  readonly start_date: string;
  readonly end_date: string;
  readonly observed_until: string;
  readonly users: number;
  readonly srm_p_value: number | null;
  readonly decision: string | null;
  readonly winner: string | null;
  readonly reason: string;
  readonly analysis: ExperimentAnalysis | null;
}

/** One row of experiment_comparisons: a treatment against the control on one metric. */
export interface ComparisonRow {
  readonly test_id: string;
  readonly treatment: string;
  readonly metric: Metric;
  readonly control_value: number;
  readonly treatment_value: number;
  readonly absolute_lift: number;
  readonly absolute_lower: number | null;
  readonly absolute_upper: number | null;
  readonly relative_lift: number | null;
  readonly relative_lower: number | null;
  readonly relative_upper: number | null;
  readonly p_value: number;
  readonly p_value_holm: number;
  readonly p_value_bh: number;
  readonly chance_to_beat_control: number;
  readonly expected_loss_if_shipped: number;
  readonly cuped_lift: number | null;
  readonly cuped_lower: number | null;
  readonly cuped_upper: number | null;
  readonly cuped_variance_reduction: number | null;
  readonly sequential_lower: number | null;
  readonly sequential_upper: number | null;
  readonly always_valid_p_value: number;
  readonly first_significant_day: string | null;
  readonly mde_absolute: number;
  readonly mde_relative: number | null;
}

/** The rows the batch stores: every prepared test, analysed or not, and its comparisons. */
export function experimentRows(
  prepared: readonly PreparedTest[],
  analyses: readonly ExperimentAnalysis[],
): { results: ExperimentResultRow[]; comparisons: ComparisonRow[] } {
  const byId = new Map(analyses.map((a) => [a.testId, a]));
  const results: ExperimentResultRow[] = [];
  const comparisons: ComparisonRow[] = [];
  for (const { test, users, error } of prepared) {
    const analysis = byId.get(test.test_id) ?? null;
    results.push({
      test_id: test.test_id,
      test_name: test.test_name,
      metric: test.metric,
      primary_metric: test.primary_metric,
      true_lift: test.true_lift,
      start_date: test.start_date,
      end_date: test.end_date,
      observed_until: test.observed_until,
      users,
      srm_p_value: analysis?.srm.pValue ?? null,
      decision: analysis?.verdict.decision ?? null,
      winner: analysis?.verdict.winner ?? null,
      reason: analysis?.verdict.reason ?? `not analysed: ${error ?? 'no analysis'}`,
      analysis,
    });
    for (const c of analysis?.comparisons ?? []) {
      for (const m of [c.conversion, c.revenue])
        comparisons.push(comparisonRow(test, c.treatment, m));
    }
  }
  return { results, comparisons };
}

function comparisonRow(
  test: ExperimentTestRow,
  treatment: string,
  m: MetricComparison,
): ComparisonRow {
  return {
    test_id: test.test_id,
    treatment,
    metric: m.metric,
    control_value: m.control,
    treatment_value: m.treatment,
    absolute_lift: m.absoluteLift,
    absolute_lower: finite(m.absoluteInterval.lower),
    absolute_upper: finite(m.absoluteInterval.upper),
    relative_lift: m.relativeLift,
    ...ends('relative', m.relativeInterval),
    p_value: m.test.pValue,
    p_value_holm: m.test.adjustedPValue.holm,
    p_value_bh: m.test.adjustedPValue.bh,
    chance_to_beat_control: m.bayesian.chanceToBeatControl,
    expected_loss_if_shipped: m.bayesian.expectedLossIfShipped,
    cuped_lift: m.cuped?.absoluteLift ?? null,
    ...ends('cuped', m.cuped?.absoluteInterval ?? null),
    cuped_variance_reduction: m.cuped?.varianceReduction ?? null,
    ...ends('sequential', m.sequential.interval),
    always_valid_p_value: m.sequential.alwaysValidPValue,
    first_significant_day: m.sequential.firstSignificantLook,
    mde_absolute: m.mde.absolute,
    mde_relative: m.mde.relative,
  } as ComparisonRow;
}

function ends(prefix: string, interval: Interval | null): Record<string, number | null> {
  return {
    [`${prefix}_lower`]: interval ? finite(interval.lower) : null,
    [`${prefix}_upper`]: interval ? finite(interval.upper) : null,
  };
}

/** An interval end the data cannot bound yet (±∞) is stored as NULL. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The daily looks in order, or nothing when the SQL gave none (one look: the totals). */
function daysOf(rows: readonly DailyStatsRow[] | undefined): Pick<VariantStatistics, 'daily'> {
  if (!rows?.length) return {};
  return {
    daily: [...rows]
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((d) => ({
        day: d.day,
        users: d.users,
        converters: d.converters,
        revenueSum: d.revenue_sum,
        revenueSumOfSquares: d.revenue_sum_of_squares,
      })),
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}
