import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parquetReadObjects } from 'hyparquet';
import {
  createLogger,
  exitOnFailure,
  parseCommandLine,
  setLogLevel,
  UsageError,
} from '@amato/common';
import { loadConfig } from '@amato/config';
import { applyMysqlSchema, applyPostgresSchema } from '@amato/ddl';
import {
  HdbscanModel,
  KmeansModel,
  MODEL_LOADERS,
  MODEL_NAMES,
  CAMPAIGN_RESPONSE_FORMAT,
  CampaignResponse,
  REVENUE_FORECAST_FORMAT,
  RevenueForecast,
  hdbscanSegmentNames,
  NOISE,
  ModelRegistry,
  type ModelName,
  SEGMENTATION_FEATURES,
  segmentationVector,
  trainKmeans,
  writeSegmentAssignments,
} from '@amato/models';
import { MysqlService } from '@amato/mysql';
import { PostgresService } from '@amato/postgres';

const run = promisify(execFile);
const logger = createLogger('train');

const HELP = `amato train: trains AMATO's models from the batch's datasets, registers and activates them.

usage: ./amato train [options]          (or: npm run train -- [options])

Reads the newest training dataset and session prefixes that ./amato batch wrote to
<batch.datasetDir> (or the files given), then:
  kmeans    segments on the 36-feature segmentation vector (TypeScript, ml-kmeans; k by
            silhouette around 5), with their names and a report
  hdbscan   density segments with noise (Python, ml/amato_ml/segmentation), assigned online
            in TypeScript as the library assigns new points
  journey   the live-session conversion model (Python LightGBM on session prefixes with a
            time-based split, exported to ONNX, scored in Node), against two baselines
  revenue_forecast
            the business's daily revenue for the 90 days after the cutoff, with 80% and 95%
            intervals (Python statsmodels, on log revenue: a local level with drift, weekday
            and month effects; a local level on last year's monthly profile; or a regression
            with ARMA errors; each with and without planned campaign spend), the candidate of
            lowest error backtested from rolling origins against the same weekday of the week
            before
  campaign_response, campaign_outcome
            the campaign models (Python, ml/amato_ml/campaign, on every reported campaign day):
            each channel's saturating response to daily spend with audience and campaign-type
            factors and bootstrap resamples (what POST /campaign/optimize allocates with), and
            a campaign's ROAS and conversions per unit of budget from its parameters (LightGBM,
            ONNX); both backtested on the latest campaigns held out against the channel's ROAS
  customer_revenue
            each customer's expected revenue over the next 90 days from their online features
            (Python LightGBM, ONNX, scored in Node), trained on the training dataset of 180 days
            before the newest and judged on the one of 90 days before (both written by
            ./amato batch), against "the last 90 days again" and BG/NBD with Gamma-Gamma
Each is registered as a new version in <postgres.schema>.model_versions with its metadata and
report, loaded back the way serving loads it, and activated: the API and the processor switch
to it without a restart. Segment assignments of every customer in the dataset go to MySQL's
customer_segments and customer_segment_mapping. The reports are printed at the end.

options:
  --dataset FILE    the training dataset (default: the newest training_dataset_*.parquet)
  --prefixes FILE   the session prefixes (default: the newest journey_prefixes_*.parquet)
  --revenue FILE    the daily revenue (default: the newest daily_revenue_*.parquet)
  --campaigns FILE  the campaign days (default: the newest campaign_days_*.parquet)
  --customer-train FILE, --customer-eval FILE
                    the customer revenue model's training datasets, the second's cutoff at
                    least 90 days after the first's (default: of the training_dataset_*.parquet
                    files, the newest at least 90 days before the newest, and the newest at least
                    90 days before that)
  --only NAMES      a comma-separated subset of
                    kmeans,hdbscan,journey,revenue_forecast,campaign_response,campaign_outcome,
                    customer_revenue
  --no-activate     register the new versions without activating them
  -h, --help        this text

The Python models run in ml/.venv (./amato train creates it on first use).`;

export interface TrainArgs {
  readonly dataset?: string;
  readonly prefixes?: string;
  readonly revenue?: string;
  readonly campaigns?: string;
  readonly customerTrain?: string;
  readonly customerEval?: string;
  readonly only: readonly ModelName[];
  /** Whether --only named the models (then a model that cannot be trained fails the run). */
  readonly onlyGiven: boolean;
  readonly activate: boolean;
  readonly help: boolean;
}

export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const { values } = parseCommandLine({
    args: [...argv],
    options: {
      dataset: { type: 'string' },
      prefixes: { type: 'string' },
      revenue: { type: 'string' },
      campaigns: { type: 'string' },
      'customer-train': { type: 'string' },
      'customer-eval': { type: 'string' },
      only: { type: 'string' },
      'no-activate': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const only = (values.only ?? MODEL_NAMES.join(',')).split(',').map((s) => s.trim());
  for (const name of only) {
    if (!(MODEL_NAMES as readonly string[]).includes(name))
      throw new UsageError(
        `--only: unknown model "${name}"; the models are ${MODEL_NAMES.join(', ')}`,
      );
  }
  return {
    dataset: values.dataset,
    prefixes: values.prefixes,
    revenue: values.revenue,
    campaigns: values.campaigns,
    customerTrain: values['customer-train'],
    customerEval: values['customer-eval'],
    only: only as ModelName[],
    onlyGiven: values.only !== undefined,
    activate: values['no-activate'] !== true,
    help: values.help === true,
  };
}

const CUTOFF_OF_FILE = /_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.parquet$/;
const HORIZON_MS = 90 * 86_400_000;

/** The cutoff a dataset file's name carries (datasetFile's format), or undefined. */
export function cutoffOfFile(file: string): number | undefined {
  const m = CUTOFF_OF_FILE.exec(file);
  if (!m) return undefined;
  const [, day, h, min, sec, ms] = m;
  const t = Date.parse(`${day ?? ''}T${h ?? ''}:${min ?? ''}:${sec ?? ''}.${ms ?? ''}Z`);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The customer revenue model's two training datasets in `dir`: `eval` the newest at least 90
 * days before the newest of all (so its labels, the 90 days after it, had happened by then) and
 * `train` the newest at least 90 days before `eval`; or why there are none.
 */
export function customerRevenuePair(dir: string): { train: string; eval: string } | string {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.startsWith('training_dataset_'))
        .map((f) => ({ file: join(dir, f), at: cutoffOfFile(f) }))
        .filter((f): f is { file: string; at: number } => f.at !== undefined)
        .sort((a, b) => a.at - b.at)
    : [];
  const newest = files.at(-1);
  if (!newest) return `no training_dataset_*.parquet in ${dir}: run ./amato batch first`;
  const evaluation = files.filter((f) => f.at <= newest.at - HORIZON_MS).at(-1);
  const training = evaluation && files.filter((f) => f.at <= evaluation.at - HORIZON_MS).at(-1);
  if (!evaluation || !training) {
    return `no two training datasets 90 days apart and 90 days before the newest (${basename(newest.file)}) in ${dir}: ./amato batch writes them`;
  }
  return { train: training.file, eval: evaluation.file };
}

/** The newest file of a kind in the dataset folder (names carry the cutoff, so they sort). */
export function newest(dir: string, prefix: string): string {
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.parquet'))
    : [];
  const last = files.sort().at(-1);
  if (!last) throw new UsageError(`no ${prefix}*.parquet in ${dir}: run ./amato batch first`);
  return join(dir, last);
}

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const bytes = readFileSync(file);
  return parquetReadObjects({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  });
}

async function codeVersion(): Promise<string> {
  try {
    return (await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
  } catch {
    return 'unknown';
  }
}

const step = (what: string) => process.stdout.write(`${what} … `);
const done = (what: string) => process.stdout.write(`${what}\n`);

/** Runs a Python trainer of ml/ and returns its output folder. */
async function python(module: string, args: readonly string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `amato-${module.split('.').at(-1) ?? 'ml'}-`));
  const bin = resolve('ml/.venv/bin/python');
  if (!existsSync(bin))
    throw new UsageError('ml/.venv is missing: run ./amato train (it creates it) or ./amato test');
  try {
    await run(bin, ['-m', module, 'train', ...args, '--out', out], {
      cwd: resolve('ml'),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim() ?? '';
    const code = (err as { code?: unknown }).code;
    throw new PythonStepError(
      module,
      typeof code === 'number' ? code : null,
      stderr.split('\n').slice(-5).join('\n') || String(err),
    );
  }
  return out;
}

/** A Python training module that exited with an error; `code` its exit status. */
class PythonStepError extends Error {
  constructor(
    readonly module: string,
    readonly code: number | null,
    readonly detail: string,
  ) {
    super(`${module} failed: ${detail}`);
  }
}

/** amato_ml.campaign's exit status for a valid dataset of too few campaigns to train on. */
const TOO_FEW_CAMPAIGNS = 3;

interface Trained {
  readonly name: ModelName;
  readonly version: number;
  readonly summary: string;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseTrainArgs(argv);
  if (args.help) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  // The terminal gets one progress line a model and the reports; the libraries' info lines
  // (JSON) would interleave with them, so only warnings and errors print.
  setLogLevel(
    config.log.level === 'debug' || config.log.level === 'trace' ? config.log.level : 'warn',
  );
  const dir = config.batch.datasetDir;
  const needsDataset = args.only.some((m) => m === 'kmeans' || m === 'hdbscan');
  const datasetFile = needsDataset ? (args.dataset ?? newest(dir, 'training_dataset_')) : undefined;
  const prefixesFile = args.only.includes('journey')
    ? (args.prefixes ?? newest(dir, 'journey_prefixes_'))
    : undefined;
  const revenueFile = args.only.includes('revenue_forecast')
    ? (args.revenue ?? newest(dir, 'daily_revenue_'))
    : undefined;
  const campaignModels = args.only.filter(
    (m) => m === 'campaign_response' || m === 'campaign_outcome',
  );
  const campaignsFile =
    campaignModels.length > 0 ? (args.campaigns ?? newest(dir, 'campaign_days_')) : undefined;
  let customerPair: { train: string; eval: string } | string | undefined;
  if (args.only.includes('customer_revenue')) {
    if (args.customerTrain !== undefined || args.customerEval !== undefined) {
      if (args.customerTrain === undefined || args.customerEval === undefined)
        throw new UsageError('--customer-train and --customer-eval go together');
      customerPair = { train: args.customerTrain, eval: args.customerEval };
    } else {
      customerPair = customerRevenuePair(dir);
      if (typeof customerPair === 'string' && args.onlyGiven) throw new UsageError(customerPair);
    }
  }
  const postgres = new PostgresService(config.postgres);
  const mysql = new MysqlService(config.mysql);
  const trained: Trained[] = [];
  const failed: { name: string; error: string }[] = [];
  /** One model's training: a failure is said and kept, and the other models still train. */
  const attempt = async (name: string, train: () => Promise<void>) => {
    try {
      await train();
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      done(`failed: ${message}`);
      logger.error({ err, model: name }, 'a model failed to train');
      failed.push({ name, error: message });
    }
  };
  try {
    await Promise.all([postgres.connect(), mysql.connect()]);
    await applyPostgresSchema(postgres, config.postgres.schema);
    await applyMysqlSchema(mysql, config.mysql.database);
    const registry = new ModelRegistry(postgres, config.postgres.schema);
    const code = await codeVersion();
    const rows = datasetFile ? await readParquet(datasetFile) : [];
    if (datasetFile)
      console.log(
        `training dataset: ${datasetFile} (${rows.length.toLocaleString('en')} customers)`,
      );
    const customers = rows.map((r) => String(r.customer_id));
    const vectors = rows.map((r, i) => {
      try {
        return segmentationVector(r);
      } catch (err) {
        throw new UsageError(`${datasetFile ?? ''}: row ${i + 1}: ${(err as Error).message}`);
      }
    });
    const base = { code_version: code, trained_at: new Date().toISOString() };

    const register = async (
      name: ModelName,
      format: string,
      artifact: Buffer,
      metadata: Record<string, unknown>,
      report: string,
    ) => {
      const version = await registry.register({
        name,
        format,
        artifact,
        metadata: { ...base, ...metadata },
        report,
      });
      if (args.activate) await registry.activate(name, version.version, MODEL_LOADERS[name]);
      return version.version;
    };

    if (args.only.includes('kmeans') && datasetFile)
      await attempt('kmeans', async () => {
        step('kmeans');
        const { artifact, report } = trainKmeans(SEGMENTATION_FEATURES, vectors, { seed: 42 });
        const version = await register(
          'kmeans',
          artifact.format,
          Buffer.from(JSON.stringify(artifact)),
          {
            features: artifact.features,
            metrics: report,
            dataset: basename(datasetFile),
            training_rows: vectors.length,
          },
          kmeansReport(report),
        );
        const model = KmeansModel.fromArtifact(artifact, SEGMENTATION_FEATURES);
        const assigned = vectors.map((v, i) => ({
          customerId: customers[i] ?? '',
          ...model.assign(v),
        }));
        await writeSegmentAssignments(
          mysql,
          config.mysql.database,
          'kmeans',
          version,
          artifact.segments.map((s) => ({ label: s.label, name: s.name, profile: profileOf(s) })),
          assigned.map((a) => ({
            customerId: a.customerId,
            label: a.segment,
            confidence: a.confidence,
          })),
        );
        done(`version ${version}: k = ${report.k}, silhouette ${report.silhouette.toFixed(3)}`);
        trained.push({ name: 'kmeans', version, summary: kmeansReport(report) });
      });

    if (args.only.includes('hdbscan') && datasetFile)
      await attempt('hdbscan', async () => {
        step('hdbscan (Python)');
        const out = await python('amato_ml.segmentation', ['--dataset', resolve(datasetFile)]);
        const bytes = readFileSync(join(out, 'hdbscan.json'));
        const report = JSON.parse(readFileSync(join(out, 'hdbscan-report.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        const markdown = readFileSync(join(out, 'hdbscan-report.md'), 'utf8');
        const version = await register(
          'hdbscan',
          'amato.hdbscan.v1',
          bytes,
          {
            features: SEGMENTATION_FEATURES,
            metrics: report,
            dataset: basename(datasetFile),
            training_rows: vectors.length,
          },
          markdown,
        );
        const model = HdbscanModel.fromArtifact(JSON.parse(bytes.toString('utf8')));
        const assigned = model.assignMany(vectors);
        const names = hdbscanSegmentNames(model);
        await writeSegmentAssignments(
          mysql,
          config.mysql.database,
          'hdbscan',
          version,
          [
            ...model.clusters.map((c) => ({
              label: c.label,
              name: names.get(c.label) ?? `Cluster ${c.label}`,
              profile: { ...c.means, size: c.size },
            })),
            { label: NOISE.segment, name: NOISE.name, profile: { size: model.noiseSize } },
          ],
          assigned.map((a, i) => ({
            customerId: customers[i] ?? '',
            label: a.label,
            confidence: a.probability,
          })),
        );
        done(`version ${version}: ${model.clusters.length} clusters, ${model.noiseSize} noise`);
        trained.push({ name: 'hdbscan', version, summary: markdown });
      });

    if (args.only.includes('journey') && prefixesFile)
      await attempt('journey', async () => {
        step(`journey (Python, ${basename(prefixesFile)})`);
        const out = await python('amato_ml.journey', ['--dataset', resolve(prefixesFile)]);
        const onnx = readFileSync(join(out, 'journey.onnx'));
        const model = JSON.parse(readFileSync(join(out, 'journey.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        const report = JSON.parse(readFileSync(join(out, 'journey-report.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        const markdown = readFileSync(join(out, 'journey-report.md'), 'utf8');
        const version = await register(
          'journey',
          String(model.format),
          onnx,
          {
            model,
            features: model.features,
            metrics: report,
            dataset: basename(prefixesFile),
          },
          markdown,
        );
        done(`version ${version}`);
        trained.push({ name: 'journey', version, summary: markdown });
      });

    if (args.only.includes('revenue_forecast') && revenueFile)
      await attempt('revenue_forecast', async () => {
        step(`revenue forecast (Python, ${basename(revenueFile)})`);
        const out = await python('amato_ml.forecast', ['--dataset', resolve(revenueFile)]);
        const bytes = readFileSync(join(out, 'revenue-forecast.json'));
        const forecast = RevenueForecast.fromArtifact(JSON.parse(bytes.toString('utf8')));
        const report = JSON.parse(
          readFileSync(join(out, 'revenue-forecast-report.json'), 'utf8'),
        ) as Record<string, unknown>;
        const markdown = readFileSync(join(out, 'revenue-forecast-report.md'), 'utf8');
        const version = await register(
          'revenue_forecast',
          REVENUE_FORECAST_FORMAT,
          bytes,
          {
            model: forecast.artifact.model,
            history: forecast.artifact.history,
            cutoff: forecast.cutoff,
            horizon_days: forecast.horizonDays,
            metrics: report,
            dataset: basename(revenueFile),
          },
          markdown,
        );
        done(`version ${version}: ${forecast.horizonDays} days after ${forecast.cutoff}`);
        trained.push({ name: 'revenue_forecast', version, summary: markdown });
      });

    if (campaignsFile)
      await attempt('campaign models', async () => {
        step(`campaign models (Python, ${basename(campaignsFile)})`);
        let out: string;
        try {
          out = await python('amato_ml.campaign', ['--dataset', resolve(campaignsFile)]);
        } catch (err) {
          // A small shop has too few campaigns for the campaign models; the others still train,
          // unless these were asked for by name.
          if (!(err instanceof PythonStepError && err.code === TOO_FEW_CAMPAIGNS) || args.onlyGiven)
            throw err;
          done(`skipped: ${err.detail.replace(/^error: /, '')}`);
          return;
        }
        const report = JSON.parse(
          readFileSync(join(out, 'campaign-report.json'), 'utf8'),
        ) as Record<string, unknown>;
        const markdown = readFileSync(join(out, 'campaign-report.md'), 'utf8');
        const dataset = basename(campaignsFile);
        const versions: string[] = [];
        if (campaignModels.includes('campaign_response')) {
          const bytes = readFileSync(join(out, 'campaign-response.json'));
          const curves = CampaignResponse.fromArtifact(JSON.parse(bytes.toString('utf8')));
          const version = await register(
            'campaign_response',
            CAMPAIGN_RESPONSE_FORMAT,
            bytes,
            {
              channels: curves.channels,
              skipped_channels: curves.artifact.skipped_channels,
              trained_on: curves.artifact.trained_on,
              metrics: report,
              dataset,
            },
            markdown,
          );
          versions.push(`campaign_response v${version}`);
          trained.push({ name: 'campaign_response', version, summary: markdown });
        }
        if (campaignModels.includes('campaign_outcome')) {
          const model = JSON.parse(
            readFileSync(join(out, 'campaign-outcome.json'), 'utf8'),
          ) as Record<string, unknown>;
          const version = await register(
            'campaign_outcome',
            String(model.format),
            readFileSync(join(out, 'campaign-outcome.onnx')),
            { model, features: model.features, metrics: model.backtest, dataset },
            markdown,
          );
          versions.push(`campaign_outcome v${version}`);
          trained.push({
            name: 'campaign_outcome',
            version,
            summary: 'Backtested with the campaign response curves: see campaign_response.',
          });
        }
        done(versions.join(', '));
      });

    if (typeof customerPair === 'string') {
      step('customer revenue');
      done(`skipped: ${customerPair}`);
    } else if (customerPair) {
      const pair = customerPair;
      await attempt('customer_revenue', async () => {
        const { train: trainFile, eval: evalFile } = pair;
        step(`customer revenue (Python, ${basename(trainFile)} → ${basename(evalFile)})`);
        const out = await python('amato_ml.customer_revenue', [
          '--train',
          resolve(trainFile),
          '--eval',
          resolve(evalFile),
        ]);
        const model = JSON.parse(
          readFileSync(join(out, 'customer-revenue.json'), 'utf8'),
        ) as Record<string, unknown>;
        const report = JSON.parse(
          readFileSync(join(out, 'customer-revenue-report.json'), 'utf8'),
        ) as Record<string, unknown>;
        const markdown = readFileSync(join(out, 'customer-revenue-report.md'), 'utf8');
        const version = await register(
          'customer_revenue',
          String(model.format),
          readFileSync(join(out, String(model.onnx))),
          {
            model,
            features: model.features,
            cutoffs: model.cutoffs,
            metrics: report,
            dataset: `${basename(trainFile)} → ${basename(evalFile)}`,
          },
          markdown,
        );
        done(`version ${version}`);
        trained.push({ name: 'customer_revenue', version, summary: markdown });
      });
    }
  } finally {
    await Promise.all([postgres.close(), mysql.close()]);
  }
  for (const t of trained)
    console.log(
      `\n── ${t.name} v${t.version}${args.activate ? ' (active)' : ''}\n${t.summary.trim()}`,
    );
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} model(s) failed to train, the others were trained: ${failed
        .map((f) => `${f.name} (${f.error})`)
        .join('; ')}`,
    );
  }
}

function profileOf(s: {
  meanMonetary: number;
  meanFrequency: number;
  meanRecencyDays: number;
  meanEngagement: number;
  size: number;
}) {
  return {
    size: s.size,
    monetary_value: s.meanMonetary,
    frequency: s.meanFrequency,
    recency_days: s.meanRecencyDays,
    avg_engagement_score: s.meanEngagement,
  };
}

function kmeansReport(report: ReturnType<typeof trainKmeans>['report']): string {
  const lines = [
    `# k-means segments`,
    '',
    `k = ${report.k} of ${report.selection.map((s) => `${s.k} (silhouette ${s.silhouette.toFixed(3)})`).join(', ')}; trained on ${report.trainedOn.toLocaleString('en')} customers.`,
    '',
    `- Silhouette: ${report.silhouette.toFixed(3)} (−1 to 1, higher is better; on a sample)`,
    `- Davies–Bouldin: ${report.daviesBouldin.toFixed(3)} (lower is better)`,
    `- Stability (adjusted Rand index vs the fit): other seeds ${report.stability.seeds.map((x) => x.toFixed(3)).join(', ')}; bootstrap samples ${report.stability.bootstrap.map((x) => x.toFixed(3)).join(', ')}`,
    '',
    '| segment | name | customers |',
    '| ---: | --- | ---: |',
    ...report.sizes.map((s) => `| ${s.label} | ${s.name} | ${s.size.toLocaleString('en')} |`),
  ];
  return lines.join('\n');
}

if (require.main === module) main(process.argv.slice(2)).catch(exitOnFailure('train', logger));
