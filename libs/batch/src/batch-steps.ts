import type { AppConfig } from '@amato/config';
import type { PostgresService } from '@amato/postgres';
import type { TrinoService } from '@amato/trino';
import type { BatchStep } from './batch-runner';
import { experimentAnalysisStep } from './experiment-step';
import { loadScripts } from './sql-script';

/** Every step of the batch, in order: the SQL files of batch.sqlDir, then the experiment analysis. */
export function batchSteps(
  trino: TrinoService,
  postgres: PostgresService,
  batch: Pick<AppConfig['batch'], 'sqlDir' | 'experiments'>,
): BatchStep[] {
  return [...loadScripts(batch.sqlDir), experimentAnalysisStep(trino, postgres, batch.experiments)];
}
