import { analyzeExperiments, type AnalysisOptions } from '@amato/experiments';
import { insertRows, type PostgresService } from '@amato/postgres';
import type { TrinoService } from '@amato/trino';
import type { CodeStep } from './batch-runner';
import {
  experimentRows,
  prepareExperiments,
  type ComparisonRow,
  type DailyStatsRow,
  type ExperimentResultRow,
  type ExperimentTestRow,
  type VariantStatsRow,
} from './experiment-inputs';

const RESULTS_DDL = (schema: string) => `
CREATE TABLE ${schema}.experiment_results (
  test_id        VARCHAR(20) PRIMARY KEY,
  test_name      TEXT NOT NULL,
  metric         TEXT NOT NULL,
  primary_metric TEXT NOT NULL,
  true_lift      DOUBLE PRECISION,
  start_date     DATE NOT NULL,
  end_date       DATE NOT NULL,
  observed_until TIMESTAMP(3) NOT NULL,
  users          BIGINT NOT NULL,
  srm_p_value    DOUBLE PRECISION,
  decision       TEXT,
  winner         TEXT,
  reason         TEXT NOT NULL,
  analysis       JSONB
)`;

const COMPARISON_COLUMNS: readonly (keyof ComparisonRow)[] = [
  'test_id',
  'treatment',
  'metric',
  'control_value',
  'treatment_value',
  'absolute_lift',
  'absolute_lower',
  'absolute_upper',
  'relative_lift',
  'relative_lower',
  'relative_upper',
  'p_value',
  'p_value_holm',
  'p_value_bh',
  'chance_to_beat_control',
  'expected_loss_if_shipped',
  'cuped_lift',
  'cuped_lower',
  'cuped_upper',
  'cuped_variance_reduction',
  'sequential_lower',
  'sequential_upper',
  'always_valid_p_value',
  'first_significant_day',
  'mde_absolute',
  'mde_relative',
];

const COMPARISONS_DDL = (schema: string) => `
CREATE TABLE ${schema}.experiment_comparisons (
  ${COMPARISON_COLUMNS.map((c) => `${c} ${comparisonType(c)}`).join(',\n  ')},
  PRIMARY KEY (test_id, treatment, metric)
)`;

function comparisonType(column: keyof ComparisonRow): string {
  if (column === 'test_id' || column === 'treatment' || column === 'metric') return 'TEXT NOT NULL';
  if (column === 'first_significant_day') return 'DATE';
  return 'DOUBLE PRECISION';
}

const RESULT_COLUMNS: readonly (keyof ExperimentResultRow)[] = [
  'test_id',
  'test_name',
  'metric',
  'primary_metric',
  'true_lift',
  'start_date',
  'end_date',
  'observed_until',
  'users',
  'srm_p_value',
  'decision',
  'winner',
  'reason',
  'analysis',
];

/**
 * The batch step after the SQL: reads the sufficient statistics of 05_experiments.sql, analyses
 * every test together (libs/experiments: one multiple-testing family across them) and writes
 * experiment_results (per test: verdict, reason, the whole analysis as JSON) and
 * experiment_comparisons (per test, treatment and metric: the numbers a reader filters on)
 * into the run's schema, so they are swapped in with the rest of the run.
 */
export function experimentAnalysisStep(
  trino: TrinoService,
  postgres: PostgresService,
  options: AnalysisOptions,
): CodeStep {
  return {
    name: 'experiment analysis',
    file: 'libs/experiments',
    produces: ['experiment_results', 'experiment_comparisons'],
    async run({ runSchema, values }) {
      const from = values.analytics ?? '';
      const [tests, variants, daily] = await Promise.all([
        trino.query<ExperimentTestRow>(
          `SELECT test_id, test_name, metric, primary_metric, traffic_split, true_lift,
             CAST(start_date AS varchar) AS start_date, CAST(end_date AS varchar) AS end_date,
             CAST(observed_until AS varchar) AS observed_until
           FROM ${from}.experiment_tests`,
        ),
        trino.query<VariantStatsRow>(`SELECT * FROM ${from}.experiment_variant_stats`),
        trino.query<DailyStatsRow>(
          `SELECT test_id, variant, CAST(day AS varchar) AS day, users, converters, revenue_sum,
             revenue_sum_of_squares
           FROM ${from}.experiment_daily_stats`,
        ),
      ]);
      const prepared = prepareExperiments(tests, variants, daily);
      const analyses = analyzeExperiments(
        prepared.flatMap((p) => (p.input ? [p.input] : [])),
        options,
      );
      const { results, comparisons } = experimentRows(prepared, analyses);
      await postgres.transaction(async (client) => {
        await client.query(RESULTS_DDL(runSchema));
        await client.query(COMPARISONS_DDL(runSchema));
        await insertRows(
          client,
          `${runSchema}.experiment_results`,
          RESULT_COLUMNS,
          results.map((r) =>
            RESULT_COLUMNS.map((c) =>
              c === 'analysis' && r.analysis ? JSON.stringify(r.analysis) : r[c],
            ),
          ),
        );
        await insertRows(
          client,
          `${runSchema}.experiment_comparisons`,
          COMPARISON_COLUMNS,
          comparisons.map((r) => COMPARISON_COLUMNS.map((c) => r[c])),
        );
      });
    },
  };
}
