import { describe } from '../journey/journey-metadata';
import { ModelArtifactError } from '../model-artifact-error';
import { isOnlineFeature } from './customer-revenue-features';

export const CUSTOMER_REVENUE_MODEL = 'customer_revenue';
export const CUSTOMER_REVENUE_FORMAT = 'amato.customer-revenue.v1';
export const CUSTOMER_REVENUE_METADATA_FILE = 'customer-revenue.json';

/**
 * customer-revenue.json, written next to the ONNX file by `python -m amato_ml.customer_revenue
 * train`: which online features the graph reads, in order, what it takes and gives, and how it
 * was trained and backtested. Only the fields serving relies on are typed; the rest (training,
 * metrics, datasets) is kept as read, for whoever reports on the model.
 */
export interface CustomerRevenueMetadata {
  readonly format: typeof CUSTOMER_REVENUE_FORMAT;
  /** The input columns in order, each an online feature (ONLINE_FEATURES). */
  readonly features: readonly string[];
  /** The ONNX file's name, in the same directory. */
  readonly onnx: string;
  /** The days the predicted revenue covers, from the moment the features describe. */
  readonly horizon_days: number;
  readonly input: { readonly name: string };
  readonly output: { readonly name: string };
  /** The training dataset's cutoff and the evaluation one's, ISO 8601. */
  readonly cutoffs: { readonly train: string; readonly eval: string };
  readonly [field: string]: unknown;
}

/**
 * Checks that the metadata describes a model this scorer can feed and read, and returns it
 * typed; anything else is a ModelArtifactError naming the field. Every feature must be one the
 * stream keeps: a model reading anything else could not be fed, and would be found out only on
 * the first customer scored.
 */
export function parseCustomerRevenueMetadata(raw: unknown): CustomerRevenueMetadata {
  const metadata = record(raw, 'the metadata');
  if (metadata.format !== CUSTOMER_REVENUE_FORMAT) {
    invalidArtifact(
      `format is ${describe(metadata.format)}, expected "${CUSTOMER_REVENUE_FORMAT}"`,
    );
  }
  const features = featuresOf(metadata.features);
  const onnx = fileName(metadata.onnx, 'onnx');
  const horizon = metadata.horizon_days;
  if (typeof horizon !== 'number' || !Number.isSafeInteger(horizon) || horizon < 1) {
    invalidArtifact(`horizon_days is ${describe(horizon)}, expected a whole number of days`);
  }
  const input = record(metadata.input, 'input');
  const output = record(metadata.output, 'output');
  checkShape(input.shape, 'input.shape', features.length, 'the feature count');
  checkShape(output.shape, 'output.shape', 1, 'one revenue per customer');
  const cutoffs = record(metadata.cutoffs, 'cutoffs');
  return {
    ...metadata,
    format: CUSTOMER_REVENUE_FORMAT,
    features,
    onnx,
    horizon_days: horizon,
    input: { ...input, name: nonEmptyString(input.name, 'input.name') },
    output: { ...output, name: nonEmptyString(output.name, 'output.name') },
    cutoffs: {
      ...cutoffs,
      train: time(cutoffs.train, 'cutoffs.train'),
      eval: time(cutoffs.eval, 'cutoffs.eval'),
    },
  };
}

function featuresOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    invalidArtifact(`features is ${describe(value)}, expected a non-empty list of feature names`);
  }
  const seen = new Set<string>();
  (value as unknown[]).forEach((name, k) => {
    if (typeof name !== 'string')
      invalidArtifact(`features[${k}] is ${describe(name)}, expected a string`);
    if (!isOnlineFeature(name)) {
      invalidArtifact(`features[${k}] is "${name}", which is no online feature the stream keeps`);
    }
    if (seen.has(name)) invalidArtifact(`features lists "${name}" twice`);
    seen.add(name);
  });
  return value as string[];
}

/** A file beside the metadata: a plain name, never a path that could lead out of it. */
function fileName(value: unknown, field: string): string {
  const name = nonEmptyString(value, field);
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    invalidArtifact(
      `${field} is ${describe(name)}, expected a file name in the artifact's directory`,
    );
  }
  return name;
}

function time(value: unknown, field: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    invalidArtifact(`${field} is ${describe(value)}, expected an ISO 8601 time`);
  }
  return value;
}

/** A shape, if given, is [batch, width]: the batch free, the width the one the scorer needs. */
function checkShape(value: unknown, field: string, width: number, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length !== 2) {
    invalidArtifact(`${field} is ${describe(value)}, expected [batch, ${width}]`);
  }
  const second: unknown = value[1];
  if (second !== width) {
    invalidArtifact(`${field} has ${describe(second)} columns, expected ${width} (${what})`);
  }
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalidArtifact(`${field} is ${describe(value)}, expected an object`);
  }
  return value as Record<string, unknown>;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    invalidArtifact(`${field} is ${describe(value)}, expected a name`);
  }
  return value;
}

/** Throws the ModelArtifactError of the customer revenue model for `problem`. */
export function invalidArtifact(problem: string, cause?: unknown): never {
  throw new ModelArtifactError(
    CUSTOMER_REVENUE_MODEL,
    problem,
    cause === undefined ? undefined : { cause },
  );
}
