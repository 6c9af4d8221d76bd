import { randomBytes } from 'node:crypto';
import { createLogger } from '@amato/common';
import type { AppConfig } from '@amato/config';
import { trinoMongoTables } from '@amato/ddl';
import type { PostgresService } from '@amato/postgres';
import { TrinoQueryError, type TrinoService } from '@amato/trino';
import { BatchStepError } from './batch-errors';
import type { SqlScript } from './sql-script';
import { renderSql, type TemplateValues, TemplateError, timestampLiteral } from './sql-template';

/** One step's outcome: time taken and the rows of each table it produced. */
export interface StepResult {
  readonly step: string;
  readonly file: string;
  readonly seconds: number;
  readonly statements: number;
  readonly tables: Readonly<Record<string, number>>;
}

export interface BatchRun {
  readonly runId: string;
  readonly asOf: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: 'succeeded' | 'failed';
  readonly steps: readonly StepResult[];
  readonly error: string | null;
}

/** What a step written in TypeScript is given: the run's schema and the SQL placeholders. */
export interface StepContext {
  /** The run's own PostgreSQL schema (its tables are swapped in with the run). */
  readonly runSchema: string;
  /** The same values the SQL steps' placeholders take (`analytics` is the run's schema in Trino). */
  readonly values: TemplateValues;
  readonly asOf: Date;
}

/** A step written in TypeScript: it runs after the SQL before it and writes into runSchema. */
export interface CodeStep {
  readonly name: string;
  /** Where its code lives, named in errors and in the run's record. */
  readonly file: string;
  /** The tables it creates in the run's schema, counted after it. */
  readonly produces: readonly string[];
  run(context: StepContext): Promise<void>;
}

/**
 * The first step of every run, done by the runner itself: the clickstream collections copied
 * once into Trino's memory catalog, which the steps then read in place of MongoDB (`${mongodb}`
 * names the copy). Every step scans the clickstream, and each scan through the MongoDB
 * connector costs seconds per million documents; the copy is read at memory speed.
 */
export const STAGING_STEP = {
  name: '00_stage_clickstream',
  file: 'libs/batch/src/batch-runner.ts (the clickstream copied into the memory catalog)',
  produces: [],
  run: () => Promise.resolve(),
} as const satisfies CodeStep;

/** A step of the batch: a SQL file of sql/ or a step in code. */
export type BatchStep = SqlScript | CodeStep;

export interface BatchProgress {
  stepStarted(index: number, total: number, step: BatchStep): void;
  statementDone(index: number, statements: number): void;
  stepDone(result: StepResult): void;
}

export interface BatchOptions {
  readonly asOf: Date;
  /** The schema the results are swapped into (batch.analyticsSchema). */
  readonly analyticsSchema: string;
  readonly progress?: BatchProgress;
}

/**
 * Runs the batch: every step's statements through Trino, in order, with the cutoff `asOf`, into
 * a schema of this run's own in PostgreSQL (`<analytics>_run_<id>`); when all succeeded, that
 * schema replaces the analytics schema in one PostgreSQL transaction, so readers see either
 * the previous results or the new ones, never a mix. A failed run drops its own schema and
 * leaves the previous results readable. Each run is recorded in <postgres.schema>.batch_runs.
 */
export class BatchRunner {
  private readonly logger = createLogger(BatchRunner.name);

  constructor(
    private readonly trino: TrinoService,
    private readonly postgres: PostgresService,
    private readonly config: Pick<AppConfig, 'trino' | 'mysql' | 'postgres' | 'mongo'>,
  ) {}

  /** The placeholders a step may use. */
  values(asOf: Date, runSchema: string): TemplateValues {
    const { catalogs } = this.config.trino;
    return {
      mysql: `${catalogs.mysql}.${this.config.mysql.database}`,
      postgresql: `${catalogs.postgresql}.${this.config.postgres.schema}`,
      mongodb: `${catalogs.mongodb}.${this.config.mongo.database}`,
      analytics: `${catalogs.postgresql}.${runSchema}`,
      as_of: timestampLiteral(asOf),
    };
  }

  async run(scripts: readonly BatchStep[], options: BatchOptions): Promise<BatchRun> {
    const runId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
    const runSchema = `${options.analyticsSchema}_run_${runId}`;
    const startedAt = new Date().toISOString();
    const source = this.values(options.asOf, runSchema);
    const staged = `${this.config.trino.catalogs.memory}.${runSchema}`;
    const values = { ...source, mongodb: staged };
    const steps: StepResult[] = [];
    const total = scripts.length + 1;
    let error: string | null = null;
    try {
      await this.postgres.query(`CREATE SCHEMA ${runSchema}`);
      options.progress?.stepStarted(0, total, STAGING_STEP);
      const staging = await this.stage(source.mongodb ?? '', staged);
      steps.push(staging);
      options.progress?.stepDone(staging);
      for (const [index, script] of scripts.entries()) {
        options.progress?.stepStarted(index + 1, total, script);
        const result =
          'statements' in script
            ? await this.runStep(script, values)
            : await this.runCode(script, { runSchema, values, asOf: options.asOf });
        steps.push(result);
        options.progress?.stepDone(result);
      }
      await this.swapIn(runSchema, options.analyticsSchema);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      await this.postgres
        .query(`DROP SCHEMA IF EXISTS ${runSchema} CASCADE`)
        .catch((dropErr: unknown) => {
          this.logger.warn({ err: dropErr, schema: runSchema }, 'could not drop a failed run');
        });
      await this.record({ runId, options, startedAt, steps, error });
      throw err;
    } finally {
      await this.dropStaged(staged);
    }
    return this.record({ runId, options, startedAt, steps, error });
  }

  /** Copies every clickstream collection from `mongodb` into the memory schema `staged`. */
  private async stage(mongodb: string, staged: string): Promise<StepResult> {
    const started = performance.now();
    const tables: Record<string, number> = {};
    try {
      await this.trino.query(`CREATE SCHEMA ${staged}`);
      for (const { table } of trinoMongoTables()) {
        const [row] = await this.trino.query<{ rows: number }>(
          `CREATE TABLE ${staged}.${table} AS SELECT * FROM ${mongodb}.${table}`,
        );
        tables[table] = row?.rows ?? 0;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new BatchStepError(
        STAGING_STEP.file,
        undefined,
        undefined,
        /MEMORY_LIMIT_EXCEEDED/.test(message)
          ? `staging the clickstream into Trino's memory catalog: ${message}; raise the catalog's memory.max-data-per-node (stack.trino.memoryCatalogMb locally, docker/trino/catalog/memory.properties with docker-compose) and Trino's heap with it`
          : `staging the clickstream into Trino's memory catalog: ${message}`,
        err,
      );
    }
    return {
      step: STAGING_STEP.name,
      file: STAGING_STEP.file,
      seconds: (performance.now() - started) / 1000,
      statements: Object.keys(tables).length,
      tables,
    };
  }

  /** The memory catalog's copy is the run's alone: gone when the run ends, however it ends. */
  private async dropStaged(staged: string): Promise<void> {
    await this.trino.query(`DROP SCHEMA IF EXISTS ${staged} CASCADE`).catch((err: unknown) => {
      this.logger.warn({ err, schema: staged }, "could not drop the run's staged clickstream");
    });
  }

  private async runStep(script: SqlScript, values: TemplateValues): Promise<StepResult> {
    const started = performance.now();
    for (const [i, statement] of script.statements.entries()) {
      let sql: string;
      try {
        sql = renderSql(statement.sql, values, `${script.file}:${statement.line}`);
      } catch (err) {
        if (err instanceof TemplateError)
          throw new BatchStepError(script.file, statement.line, undefined, err.message);
        throw err;
      }
      try {
        await this.trino.query(sql);
      } catch (err) {
        if (err instanceof TrinoQueryError) {
          const at = locationOf(err);
          throw new BatchStepError(
            script.file,
            statement.line + (at ? at.line - 1 : 0),
            at?.column,
            err.message,
            err,
          );
        }
        throw err;
      }
      this.logger.debug({ file: script.file, statement: i + 1 }, 'statement done');
    }
    return this.result(script, script.statements.length, started, values);
  }

  private async runCode(step: CodeStep, context: StepContext): Promise<StepResult> {
    const started = performance.now();
    try {
      await step.run(context);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new BatchStepError(step.file, undefined, undefined, `${step.name}: ${message}`, err);
    }
    return this.result(step, 0, started, context.values);
  }

  /** The step's outcome, with the rows of each table it produced. */
  private async result(
    step: BatchStep,
    statements: number,
    started: number,
    values: TemplateValues,
  ): Promise<StepResult> {
    const tables: Record<string, number> = {};
    for (const table of step.produces) {
      const [row] = await this.trino.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${values.analytics ?? ''}.${table}`,
      );
      tables[table] = row?.n ?? 0;
    }
    return {
      step: step.name,
      file: step.file,
      seconds: (performance.now() - started) / 1000,
      statements,
      tables,
    };
  }

  /** The new results replace the old in one transaction (PostgreSQL DDL is transactional). */
  private async swapIn(runSchema: string, analytics: string): Promise<void> {
    await this.postgres.transaction(async (client) => {
      await client.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`);
      await client.query(`ALTER SCHEMA ${runSchema} RENAME TO ${analytics}`);
    });
  }

  private async record(run: {
    runId: string;
    options: BatchOptions;
    startedAt: string;
    steps: readonly StepResult[];
    error: string | null;
  }): Promise<BatchRun> {
    const out: BatchRun = {
      runId: run.runId,
      asOf: run.options.asOf.toISOString(),
      startedAt: run.startedAt,
      finishedAt: new Date().toISOString(),
      status: run.error === null ? 'succeeded' : 'failed',
      steps: run.steps,
      error: run.error,
    };
    await this.postgres.query(
      `INSERT INTO ${this.config.postgres.schema}.batch_runs
         (run_id, as_of, started_at, finished_at, status, steps, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        out.runId,
        out.asOf,
        out.startedAt,
        out.finishedAt,
        out.status,
        JSON.stringify(out.steps),
        out.error,
      ],
    );
    return out;
  }
}

/** Where in the statement Trino found the problem: its errorLocation, or `line L:C:` in the message. */
export function locationOf(err: TrinoQueryError): { line: number; column: number } | undefined {
  const loc = (err.trinoError as { errorLocation?: { lineNumber?: number; columnNumber?: number } })
    .errorLocation;
  if (loc?.lineNumber !== undefined) return { line: loc.lineNumber, column: loc.columnNumber ?? 1 };
  const m = /line (\d+):(\d+)/.exec(err.trinoError.message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}
