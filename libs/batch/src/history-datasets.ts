import type { AppConfig } from '@amato/config';
import type { PostgresService } from '@amato/postgres';
import type { TrinoService } from '@amato/trino';
import { BatchRunner } from './batch-runner';
import { loadScripts } from './sql-script';
import { exportTrainingDataset } from './training-dataset';

/** How far before the cutoff the earlier training datasets are taken, in days. */
export const HISTORY_OFFSETS_DAYS = [180, 90] as const;
/** The training dataset's step and those whose tables it reads (RFM segments, engagement). */
export const TRAINING_DATASET_STEPS = [
  '02_customer_rfm',
  '04_customer_journey',
  '06_training_dataset',
] as const;
const DAY_MS = 86_400_000;

/**
 * The training dataset as of earlier cutoffs (by default 180 and 90 days before `asOf`): the
 * customer revenue model trains on one and is judged on the next, each of whose labels (the 90
 * days after its cutoff) were complete by the later cutoff, a time-based holdout. Each runs
 * TRAINING_DATASET_STEPS alone, as its own recorded batch run, into `<analytics>_history`,
 * which is dropped afterwards; the files go beside the others as
 * training_dataset_<cutoff>.parquet.
 */
export async function exportHistoryDatasets(
  trino: TrinoService,
  postgres: PostgresService,
  config: Pick<AppConfig, 'batch' | 'postgres' | 'trino' | 'mysql' | 'mongo'>,
  asOf: Date,
  offsetsDays: readonly number[] = HISTORY_OFFSETS_DAYS,
): Promise<{ asOf: Date; file: string; rows: number }[]> {
  const wanted: readonly string[] = TRAINING_DATASET_STEPS;
  const steps = loadScripts(config.batch.sqlDir).filter((s) => wanted.includes(s.name));
  const missing = wanted.filter((name) => !steps.some((s) => s.name === name));
  if (missing.length > 0)
    throw new Error(`no ${missing.join('.sql, ')}.sql in ${config.batch.sqlDir}`);
  const schema = `${config.batch.analyticsSchema}_history`;
  const out = [];
  try {
    for (const days of offsetsDays) {
      const at = new Date(asOf.getTime() - days * DAY_MS);
      await new BatchRunner(trino, postgres, config).run(steps, {
        asOf: at,
        analyticsSchema: schema,
      });
      const written = await exportTrainingDataset(
        trino,
        `${config.trino.catalogs.postgresql}.${schema}`,
        at,
        config.batch.datasetDir,
      );
      out.push({ asOf: at, ...written });
    }
  } finally {
    await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  return out;
}
