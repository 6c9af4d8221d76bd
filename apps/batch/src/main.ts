import 'reflect-metadata';
import {
  AnalyticsReader,
  BatchRunner,
  batchSteps,
  exportCampaignDays,
  exportDailyRevenue,
  exportHistoryDatasets,
  HISTORY_OFFSETS_DAYS,
  exportJourneyPrefixes,
  exportTrainingDataset,
  formatExperimentReport,
  type BatchProgress,
  type ExperimentListing,
} from '@amato/batch';
import {
  createLogger,
  exitOnFailure,
  parseCommandLine,
  setLogLevel,
  UsageError,
} from '@amato/common';
import { loadConfig } from '@amato/config';
import { PostgresService } from '@amato/postgres';
import { TrinoService } from '@amato/trino';
import { applyPostgresSchema } from '@amato/ddl';

const HELP = `amato batch: the batch analytics, Trino SQL over MySQL, PostgreSQL and MongoDB.

usage: ./amato batch [options]          (or: npm run batch -- [options])

Runs every step of <batch.sqlDir> (sql/NN_name.sql) in order through Trino, with the cutoff
--as-of: data quality, RFM and lifetime value, campaigns, journeys, the experiments'
statistics and the training dataset; then the A/B tests are analysed (libs/experiments, with
<batch.experiments>) and a table of their verdicts is printed. The results go to a
schema of the run's own in PostgreSQL and replace <batch.analyticsSchema> (default analytics)
in one transaction when every step has succeeded; a failed run leaves the previous results as
they were, says which file, line and Trino message failed, and exits 1. Each run's per-step
durations and row counts are recorded in <postgres.schema>.batch_runs. Then the training
dataset (one row per customer: the features, derived with the stream's code, context and
labels) is written as Parquet to <batch.datasetDir> with its data dictionary beside it, and so
are the session prefixes the conversion model trains on (journey_prefixes_<cutoff>.parquet),
the business's daily revenue for the revenue forecast (daily_revenue_<cutoff>.parquet) and
every reported campaign day for the campaign models (campaign_days_<cutoff>.parquet). Before
all that, the training dataset is also written as of 180 and 90 days before the cutoff (its
steps alone, RFM, journeys and the dataset, each cutoff a recorded run of its own), for the
customer revenue model's time-based holdout.

options:
  --as-of TIME    the cutoff, an ISO 8601 time (e.g. 2026-01-01 or 2026-01-01T12:00:00Z);
                  default now. The same cutoff over the same data gives the same results.
  -h, --help      this text

Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

const logger = createLogger('batch');

export function parseBatchArgs(argv: readonly string[]): { asOf: Date; help: boolean } {
  const { values } = parseCommandLine({
    args: [...argv],
    options: { 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  const raw = values['as-of'];
  const asOf = raw === undefined ? new Date() : new Date(raw);
  if (raw !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(asOf.getTime())))
    throw new UsageError(
      `--as-of must be an ISO 8601 time such as 2026-01-01T00:00:00Z, got "${raw}"`,
    );
  return { asOf, help: values.help === true };
}

/** One line a step, for a person at a terminal. */
const printer: BatchProgress = {
  stepStarted(index, total, step) {
    process.stdout.write(`[${index + 1}/${total}] ${step.name} … `);
  },
  statementDone() {
    /* one line per step is enough */
  },
  stepDone(result) {
    const tables = Object.entries(result.tables)
      .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
      .join(', ');
    process.stdout.write(`${result.seconds.toFixed(1)} s (${tables || 'no tables'})\n`);
  },
};

async function main(argv: readonly string[]): Promise<void> {
  const args = parseBatchArgs(argv);
  if (args.help) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  setLogLevel(config.log.level);
  const trino = new TrinoService(config.trino);
  const postgres = new PostgresService(config.postgres);
  const steps = batchSteps(trino, postgres, config.batch);
  if (!steps.some((step) => 'statements' in step))
    throw new UsageError(`no batch steps (NN_name.sql) in ${config.batch.sqlDir}`);
  try {
    await Promise.all([trino.connect(), postgres.connect()]);
    // batch_runs lives with AMATO's other PostgreSQL tables; idempotent.
    await applyPostgresSchema(postgres, config.postgres.schema);
    console.log(
      `batch as of ${args.asOf.toISOString()}: ${steps.length} steps into ${config.batch.analyticsSchema}`,
    );
    const started = performance.now();
    // First, so the run every reader takes for the latest is the whole batch's.
    process.stdout.write(
      `earlier training datasets (${HISTORY_OFFSETS_DAYS.join(' and ')} days before, for the customer revenue model) … `,
    );
    const history = await exportHistoryDatasets(trino, postgres, config, args.asOf).catch(
      (err: unknown) => {
        process.stdout.write('failed\n');
        throw err;
      },
    );
    process.stdout.write(
      `${history.map((h) => `${h.rows.toLocaleString('en')} customers as of ${h.asOf.toISOString().slice(0, 10)}`).join(', ')}\n`,
    );
    const run = await new BatchRunner(trino, postgres, config)
      .run(steps, {
        asOf: args.asOf,
        analyticsSchema: config.batch.analyticsSchema,
        progress: printer,
      })
      .catch((err: unknown) => {
        process.stdout.write('failed\n');
        throw err;
      });
    const reader = new AnalyticsReader(
      postgres,
      config.batch.analyticsSchema,
      config.postgres.schema,
    );
    const experiments = await reader.experiments({}, { limit: 10_000, offset: 0 });
    const { alpha, power } = config.batch.experiments;
    console.log(
      `\nexperiments: verdicts read off always-valid intervals (alpha ${alpha}); detectable is the` +
        ` relative lift a test of its size finds with power ${power}; planted is the generator's`,
    );
    console.log(formatExperimentReport(experiments.items as ExperimentListing[]));
    process.stdout.write('\ntraining dataset … ');
    const dataset = await exportTrainingDataset(
      trino,
      `${config.trino.catalogs.postgresql}.${config.batch.analyticsSchema}`,
      args.asOf,
      config.batch.datasetDir,
    );
    process.stdout.write(`${dataset.rows.toLocaleString('en')} customers in ${dataset.file}\n`);
    process.stdout.write('session prefixes … ');
    const prefixes = await exportJourneyPrefixes(
      postgres,
      config.batch.analyticsSchema,
      args.asOf,
      config.batch.datasetDir,
    );
    process.stdout.write(`${prefixes.rows.toLocaleString('en')} prefixes in ${prefixes.file}\n`);
    process.stdout.write('daily revenue … ');
    const revenue = await exportDailyRevenue(
      postgres,
      config.batch.analyticsSchema,
      args.asOf,
      config.batch.datasetDir,
    );
    process.stdout.write(`${revenue.rows.toLocaleString('en')} days in ${revenue.file}\n`);
    process.stdout.write('campaign days … ');
    const campaignDays = await exportCampaignDays(
      postgres,
      config.batch.analyticsSchema,
      args.asOf,
      config.batch.datasetDir,
    );
    process.stdout.write(
      `${campaignDays.rows.toLocaleString('en')} campaign days in ${campaignDays.file}\n`,
    );
    console.log(
      `done in ${((performance.now() - started) / 1000).toFixed(1)} s: run ${run.runId}, results in ${config.batch.analyticsSchema}`,
    );
  } finally {
    await postgres.close();
  }
}

if (require.main === module) main(process.argv.slice(2)).catch(exitOnFailure('batch', logger));
