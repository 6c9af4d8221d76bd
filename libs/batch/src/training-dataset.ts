import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  type CustomerAggregates,
  CustomerFeaturesSchema,
  DAY_MS,
  deriveFeatures,
} from '@amato/features';
import type { TrinoService } from '@amato/trino';
import { comparableValues, readOfflineAggregates } from './offline-features';
import { datasetFile } from './parquet-export';

/** A column of the training dataset: its Parquet type, where it comes from, what it means. */
export interface DatasetColumn {
  readonly name: string;
  readonly type: 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN';
  readonly source: 'key' | 'feature' | 'context' | 'label';
  readonly description: string;
}

const describe = (schema: { description?: string }) => schema.description ?? '';
const featureProps = CustomerFeaturesSchema.properties.features.properties as Record<
  string,
  { description?: string; type?: string }
>;
const windowProps = CustomerFeaturesSchema.properties.windows.properties as Record<
  string,
  { description?: string }
>;
const deviceProps = CustomerFeaturesSchema.properties.device_mix.properties as Record<
  string,
  { description?: string }
>;

/**
 * Context the export computes from the customer's aggregates (customer_aggregates) rather than
 * reads from customer_context. Not online features: the stream derives none of them, so no model
 * that is served from the online features may take them as inputs.
 */
const AGGREGATE_CONTEXT: readonly DatasetColumn[] = [
  {
    name: 'days_since_first_order',
    type: 'DOUBLE',
    source: 'context',
    description:
      'Days from the first sale to the cutoff, fractional (the customer age T of BG/NBD); null without a sale. Not an online feature.',
  },
];

/** Days from the customer's first sale to the cutoff, with the fraction; null with no sale. */
export function daysSinceFirstOrder(
  aggregates: CustomerAggregates | undefined,
  asOfMs: number,
): number | null {
  const first = aggregates?.firstOrderMs ?? null;
  return first === null ? null : (asOfMs - first) / DAY_MS;
}

/** The values of AGGREGATE_CONTEXT for one customer, by column name. */
function aggregateContext(
  aggregates: CustomerAggregates | undefined,
  asOfMs: number,
): Record<string, number | null> {
  return { days_since_first_order: daysSinceFirstOrder(aggregates, asOfMs) };
}

/** What customer_context (06_training_dataset.sql) adds, in its column order. */
const CONTEXT: readonly DatasetColumn[] = [
  ['gender', 'STRING', 'Gender as the customer gave it.'],
  ['country', 'STRING', 'ISO 3166 country code.'],
  ['acquisition_channel', 'STRING', 'How the customer first came.'],
  ['customer_status', 'STRING', 'active, inactive or churned, as the shop records it.'],
  ['is_email_subscribed', 'BOOLEAN', 'Subscribed to e-mail.'],
  ['age', 'INT32', 'Age in whole years at the cutoff.'],
  ['age_group', 'STRING', 'Demographic age group.'],
  ['income_bracket', 'STRING', 'Demographic income bracket.'],
  ['education_level', 'STRING', 'Demographic education level.'],
  ['marital_status', 'STRING', 'Demographic marital status.'],
  ['household_size', 'INT32', 'People in the household.'],
  [
    'rfm_segment',
    'STRING',
    'The named RFM segment of 02_customer_rfm.sql (quintiles of this run).',
  ],
  ['mean_pages', 'DOUBLE', 'Mean pages per session.'],
  ['mean_duration_seconds', 'DOUBLE', 'Mean session duration in seconds.'],
  ['session_bounce_rate', 'DOUBLE', 'Share of sessions that bounced.'],
  ['session_conversion_rate', 'DOUBLE', 'Share of sessions that converted.'],
  ['preferred_device', 'STRING', 'Device type of most sessions.'],
  ['preferred_browser', 'STRING', 'Browser of most sessions.'],
  ['preferred_landing_page', 'STRING', 'Landing page of most sessions.'],
  ['campaign_sessions', 'INT32', 'Sessions that came from a campaign.'],
  ['campaigns_reached', 'INT32', 'Distinct campaigns the customer came from.'],
].map(
  ([name, type, description]) => ({ name, type, description, source: 'context' }) as DatasetColumn,
);

const LABELS: readonly DatasetColumn[] = [
  {
    name: 'label_revenue_next_90d',
    type: 'DOUBLE',
    source: 'label',
    description:
      'Sales revenue in the 90 days after the cutoff. For training only: unknown at the cutoff.',
  },
  {
    name: 'label_churned_next_90d',
    type: 'BOOLEAN',
    source: 'label',
    description:
      'No sale in the 90 days after the cutoff. For training only: unknown at the cutoff.',
  },
];

/**
 * The columns of the training dataset, one definition for the file and its data dictionary:
 * the customer, the segmentation vector, order value, windows and device mix (derived with
 * the same code as online), the context computed from the aggregates and that of
 * customer_context, and the labels.
 */
export const TRAINING_COLUMNS: readonly DatasetColumn[] = [
  { name: 'customer_id', type: 'STRING', source: 'key', description: 'The customer.' },
  ...Object.entries(featureProps).map(([name, p]): DatasetColumn => ({
    name,
    type: 'DOUBLE',
    source: 'feature',
    description: describe(p),
  })),
  {
    name: 'avg_order_value',
    type: 'DOUBLE',
    source: 'feature',
    description: describe(CustomerFeaturesSchema.properties.avg_order_value),
  },
  ...Object.entries(windowProps).map(([name, p]): DatasetColumn => ({
    name: `windows.${name}`,
    type: 'DOUBLE',
    source: 'feature',
    description: describe(p),
  })),
  ...Object.keys(deviceProps).map((name): DatasetColumn => ({
    name: `device_mix.${name}`,
    type: 'DOUBLE',
    source: 'feature',
    description: `Share of sessions on a ${name} device.`,
  })),
  ...AGGREGATE_CONTEXT,
  ...CONTEXT,
  ...LABELS,
];

export type TrainingRow = Record<string, string | number | boolean | null>;

/** One row per customer of customer_context: derived features, context and labels. */
export async function buildTrainingRows(
  trino: TrinoService,
  resultsSchema: string,
  asOf: Date,
): Promise<TrainingRow[]> {
  const [aggregates, context] = await Promise.all([
    readOfflineAggregates(trino, resultsSchema),
    trino.query(`SELECT * FROM ${resultsSchema}.customer_context ORDER BY customer_id`),
  ]);
  return context.map((c) => {
    const id = String(c.customer_id);
    const agg = aggregates.get(id);
    const features = agg ? comparableValues(deriveFeatures(agg, asOf.getTime())) : {};
    const computed = aggregateContext(agg, asOf.getTime());
    const row: TrainingRow = {};
    for (const column of TRAINING_COLUMNS) {
      const value =
        column.source === 'feature'
          ? (features[column.name] ?? null)
          : Object.hasOwn(computed, column.name)
            ? computed[column.name]
            : c[column.name];
      row[column.name] =
        value === undefined || value === null
          ? null
          : column.type === 'DOUBLE' || column.type === 'INT32'
            ? Number(value)
            : column.type === 'BOOLEAN'
              ? Boolean(value)
              : typeof value === 'string'
                ? value
                : JSON.stringify(value);
    }
    return row;
  });
}

/** Writes the rows as Parquet, columns and types from TRAINING_COLUMNS. */
export function writeTrainingParquet(rows: readonly TrainingRow[], file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const buffer = parquetWriteBuffer({
    columnData: TRAINING_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type,
      data: rows.map((r) => r[c.name] ?? null),
    })),
  });
  writeFileSync(file, Buffer.from(buffer));
}

/** The data dictionary of the dataset, as Markdown: every column, its type, source and meaning. */
export function dataDictionaryMarkdown(): string {
  const lines = [
    '# The training dataset',
    '',
    '<!-- Generated by `./amato batch` from libs/batch/src/training-dataset.ts. Do not edit. -->',
    '',
    'One row per customer registered by the cutoff, written by `./amato batch` as',
    '`<batch.datasetDir>/training_dataset_<cutoff>.parquet`. Features are derived from the',
    "batch's aggregates with the same code as the stream's (`deriveFeatures`); labels look",
    'after the cutoff and are for training only.',
    '',
    '| column | type | source | meaning |',
    '| --- | --- | --- | --- |',
    ...TRAINING_COLUMNS.map(
      (c) => `| \`${c.name}\` | ${c.type} | ${c.source} | ${c.description.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Builds and writes the dataset and its dictionary beside it; returns the file and row count. */
export async function exportTrainingDataset(
  trino: TrinoService,
  resultsSchema: string,
  asOf: Date,
  dir: string,
): Promise<{ file: string; rows: number }> {
  const rows = await buildTrainingRows(trino, resultsSchema, asOf);
  const file = datasetFile(dir, 'training_dataset', asOf);
  writeTrainingParquet(rows, file);
  writeFileSync(`${dir}/training_dataset.md`, dataDictionaryMarkdown());
  writeFileSync(`${dir}/training_dataset.columns.json`, JSON.stringify(TRAINING_COLUMNS, null, 2));
  return { file, rows: rows.length };
}
