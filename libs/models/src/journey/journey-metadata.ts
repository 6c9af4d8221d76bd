import { ModelArtifactError } from '../model-artifact-error';
import { type PageType, isPageType, journeyFeatureNames } from './journey-features';

export const JOURNEY_MODEL = 'journey';
export const JOURNEY_FORMAT = 'amato.journey.v1';

/**
 * journey.json, written next to journey.onnx by `python -m amato_ml.journey train`: what the
 * ONNX graph takes and gives, and how it was trained. Only the fields serving relies on are typed;
 * the rest (split, training, metrics) is kept as read, for whoever reports on the model.
 */
export interface JourneyMetadata {
  readonly format: typeof JOURNEY_FORMAT;
  /** The input columns in order; always journeyFeatureNames(page_types). */
  readonly features: readonly string[];
  /** The page types with a column of their own, fixed at training. */
  readonly page_types: readonly PageType[];
  readonly input: { readonly name: string };
  readonly output: { readonly name: string; readonly positive_class_index: 0 | 1 };
  readonly [field: string]: unknown;
}

/**
 * Checks that the metadata describes a model this scorer can feed and read, and returns it
 * typed; anything else is a ModelArtifactError naming the field. The feature list must be exactly
 * the one the featurizer produces from the categories: a model trained on other columns, or on
 * the same columns in another order, would score every session wrongly and without an error.
 */
export function parseJourneyMetadata(raw: unknown): JourneyMetadata {
  const metadata = record(raw, 'the metadata');
  if (metadata.format !== JOURNEY_FORMAT) {
    fail(`format is ${describe(metadata.format)}, expected "${JOURNEY_FORMAT}"`);
  }
  const pageTypes = pageTypesOf(metadata.page_types);
  const features = stringList(metadata.features, 'features');
  checkFeatures(features, journeyFeatureNames(pageTypes));
  const input = record(metadata.input, 'input');
  const output = record(metadata.output, 'output');
  const inputName = nonEmptyString(input.name, 'input.name');
  const outputName = nonEmptyString(output.name, 'output.name');
  checkShape(input.shape, 'input.shape', features.length, 'the feature count');
  checkShape(output.shape, 'output.shape', 2, 'two classes');
  const positive = output.positive_class_index;
  if (positive !== 0 && positive !== 1) {
    fail(`output.positive_class_index is ${describe(positive)}, expected 0 or 1`);
  }
  return {
    ...metadata,
    format: JOURNEY_FORMAT,
    features,
    page_types: pageTypes,
    input: { ...input, name: inputName },
    output: { ...output, name: outputName, positive_class_index: positive },
  };
}

function pageTypesOf(value: unknown): PageType[] {
  const pageTypes = stringList(value, 'page_types');
  const seen = new Set<string>();
  for (const pageType of pageTypes) {
    if (!isPageType(pageType)) fail(`page_types lists "${pageType}", which is no AMATO page type`);
    if (seen.has(pageType)) fail(`page_types lists "${pageType}" twice`);
    seen.add(pageType);
  }
  return pageTypes as PageType[];
}

/** Names the first difference, the way one would look for it in the two lists. */
function checkFeatures(features: readonly string[], expected: readonly string[]): void {
  for (let k = 0; k < Math.max(features.length, expected.length); k++) {
    const actual = features[k];
    const wanted = expected[k];
    if (actual === wanted) continue;
    if (wanted === undefined) {
      fail(
        `features lists ${features.length} columns, the page types give ${expected.length}: ` +
          `"${String(actual)}" is extra`,
      );
    }
    if (actual === undefined) {
      fail(
        `features lists ${features.length} columns, the page types give ${expected.length}: ` +
          `"${wanted}" is missing`,
      );
    }
    fail(`features[${k}] is "${actual}", the featurizer puts "${wanted}" there`);
  }
}

/** A shape, if given, is [batch, width]: the batch free, the width the one the scorer needs. */
function checkShape(value: unknown, field: string, width: number, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length !== 2) {
    fail(`${field} is ${describe(value)}, expected [batch, ${width}]`);
  }
  const second: unknown = value[1];
  if (second !== width) {
    fail(`${field} has ${describe(second)} columns, expected ${width} (${what})`);
  }
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${field} is ${describe(value)}, expected an object`);
  }
  return value as Record<string, unknown>;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) fail(`${field} is ${describe(value)}, expected a list of strings`);
  const list: unknown[] = value;
  list.forEach((item, k) => {
    if (typeof item !== 'string') fail(`${field}[${k}] is ${describe(item)}, expected a string`);
  });
  return list as string[];
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    fail(`${field} is ${describe(value)}, expected a name`);
  }
  return value;
}

/** JSON.stringify as it behaves: undefined for a function or a symbol. */
const stringify: (value: unknown) => string | undefined = JSON.stringify;

/** A value as it reads in a message: JSON, cut short. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = stringify(value) ?? typeof value;
  } catch {
    text = typeof value; // a BigInt or a cycle
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(problem: string): never {
  throw new ModelArtifactError(JOURNEY_MODEL, problem);
}
