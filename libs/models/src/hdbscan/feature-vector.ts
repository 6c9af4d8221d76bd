/**
 * A customer's segmentation vector as callers hold it: the features object of the customer
 * features (by name), or the values in the model's feature order.
 */
export type FeatureInput = Readonly<Record<string, number>> | readonly number[];

export interface Standardization {
  readonly features: readonly string[];
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

function isVector(input: FeatureInput): input is readonly number[] {
  return Array.isArray(input);
}

function describeInput(value: unknown): string {
  return typeof value === 'number' ? String(value) : value === undefined ? 'nothing' : typeof value;
}

/** The value of a feature, refused by name when absent or not a finite number. */
function featureValue(input: FeatureInput, name: string, index: number): number {
  const value: unknown = isVector(input) ? input[index] : input[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`feature ${name}: expected a finite number, got ${describeInput(value)}`);
  }
  return value;
}

/**
 * Writes (x − mean) / scale of every feature into `out`, in model order: the same operations
 * as the Python standardizer, so equal inputs give equal doubles. Extra keys of an object are
 * ignored (a features object may carry more than the model reads); a vector must have exactly
 * one value per feature, since a shifted order would assign silently wrong.
 */
export function standardizeInto(
  model: Standardization,
  input: FeatureInput,
  out: Float64Array,
): void {
  const { features, mean, scale } = model;
  if (isVector(input) && input.length !== features.length) {
    throw new RangeError(
      `expected ${features.length} feature values (${features.join(', ')}), got ${input.length}`,
    );
  }
  features.forEach((name, index) => {
    out[index] = (featureValue(input, name, index) - (mean[index] ?? 0)) / (scale[index] ?? 1);
  });
}
