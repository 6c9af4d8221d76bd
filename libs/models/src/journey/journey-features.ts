import { PAGE_TYPES } from '@amato/contracts';

/**
 * What the conversion model reads of a live session's JourneyState (libs/features): the counts so
 * far and the last page type. Structural, so a JourneyState is one, and so is a fixture row.
 * `purchases` is not among them: the scorer answers a purchased session itself (see JourneyModel).
 */
export interface JourneyFeatureInput {
  readonly pages: number;
  readonly depth: number;
  readonly time_on_site_seconds: number;
  readonly cart_adds: number;
  readonly searches: number;
  readonly last_page_type: string | null;
}

export type PageType = (typeof PAGE_TYPES)[number];

/** The counts, in input order; the model's first columns (amato_ml.journey.features). */
export const NUMERIC_FEATURES = [
  'pages',
  'depth',
  'time_on_site_seconds',
  'cart_adds',
  'searches',
] as const satisfies readonly (keyof JourneyFeatureInput)[];

export const PAGE_TYPE_FEATURE_PREFIX = 'last_page_type=';

/** The one column for null, for a page type without a column, and for any other string. */
export const OTHER_PAGE_TYPE_FEATURE = `${PAGE_TYPE_FEATURE_PREFIX}other`;

/**
 * The feature names a featurizer over these page-type categories produces, in input order: the
 * counts, one column per category, the other column. Metadata whose feature list differs from
 * this describes a model the featurizer cannot feed.
 */
export function journeyFeatureNames(categories: readonly PageType[]): string[] {
  return [
    ...NUMERIC_FEATURES,
    ...categories.map((category) => `${PAGE_TYPE_FEATURE_PREFIX}${category}`),
    OTHER_PAGE_TYPE_FEATURE,
  ];
}

export function isPageType(value: unknown): value is PageType {
  return (PAGE_TYPES as readonly unknown[]).includes(value);
}

/**
 * Encodes journey states into model input rows. Built once per model from its page-type
 * categories, so that scoring a state is a few array writes and one map lookup.
 */
export interface JourneyFeaturizer {
  readonly featureNames: readonly string[];
  /** Columns per row. */
  readonly width: number;
  /** Writes the state's row into `rows` from column `offset` on (a batch is one flat array). */
  encodeInto(state: JourneyFeatureInput, rows: Float32Array, offset: number): void;
  /** The state's row on its own. */
  encode(state: JourneyFeatureInput): Float32Array;
}

export function createJourneyFeaturizer(categories: readonly PageType[]): JourneyFeaturizer {
  const featureNames = journeyFeatureNames(categories);
  const width = featureNames.length;
  const pageTypeStart = NUMERIC_FEATURES.length;
  const other = width - 1;
  const columnOf = new Map<string, number>(
    categories.map((category, k) => [category, pageTypeStart + k]),
  );

  const encodeInto = (state: JourneyFeatureInput, rows: Float32Array, offset: number): void => {
    for (let k = 0; k < NUMERIC_FEATURES.length; k++) {
      const name = NUMERIC_FEATURES[k] as (typeof NUMERIC_FEATURES)[number];
      rows[offset + k] = checkedCount(state[name], name);
    }
    rows.fill(0, offset + pageTypeStart, offset + width);
    const column = state.last_page_type === null ? undefined : columnOf.get(state.last_page_type);
    rows[offset + (column ?? other)] = 1;
  };

  return {
    featureNames,
    width,
    encodeInto,
    encode: (state) => {
      const row = new Float32Array(width);
      encodeInto(state, row, 0);
      return row;
    },
  };
}

/**
 * The state's row for the model the metadata describes. A convenience for one state: the model
 * keeps its own featurizer rather than rebuilding one per call.
 */
export function journeyFeatures(
  state: JourneyFeatureInput,
  metadata: { readonly page_types: readonly PageType[] },
): Float32Array {
  return createJourneyFeaturizer(metadata.page_types).encode(state);
}

/**
 * A count as the model takes it. A negative, fractional or non-finite count is a bug upstream,
 * not a session: it is refused rather than scored, since a tree would place NaN on whichever side
 * its split sends missing values, silently.
 */
export function checkedCount(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`journey state: ${name} is ${String(value)}, expected a count (≥ 0)`);
  }
  return value;
}
