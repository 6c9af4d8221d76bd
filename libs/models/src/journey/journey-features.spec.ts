import { PAGE_TYPES } from '@amato/contracts';
import type { JourneyState } from '@amato/features';
import {
  NUMERIC_FEATURES,
  OTHER_PAGE_TYPE_FEATURE,
  type PageType,
  createJourneyFeaturizer,
  journeyFeatureNames,
  journeyFeatures,
} from './journey-features';
import { fixtureHoldout, fixtureMetadata } from './journey-fixture';
import { parseJourneyMetadata } from './journey-metadata';

/** A live session's state as the feature store returns it; the fields the model reads vary. */
function state(overrides: Partial<JourneyState> = {}): JourneyState {
  return {
    session_id: 'S1',
    customer_id: null,
    pages: 3,
    depth: 3,
    time_on_site_seconds: 95,
    cart_adds: 1,
    purchases: 0,
    searches: 2,
    last_page_type: 'product',
    ended: false,
    first_event_time: '2026-01-05T10:00:00.000Z',
    last_event_time: '2026-01-05T10:01:35.000Z',
    updated_at: '2026-01-05T10:01:35.000Z',
    ...overrides,
  };
}

// The page types of the fixture model: every AMATO page type but confirmation, which only
// follows a purchase and so never ends a training prefix.
const metadata = parseJourneyMetadata(fixtureMetadata());
const CATEGORIES = metadata.page_types;
const featurizer = createJourneyFeaturizer(CATEGORIES);

/** The one-hot part of a row, as the names of the columns set. */
function pageTypeColumns(row: Float32Array): string[] {
  return featurizer.featureNames.filter((_, k) => k >= NUMERIC_FEATURES.length && row[k] === 1);
}

describe('journeyFeatureNames', () => {
  it('lists the counts, one column per category in its order, then the other column', () => {
    expect(journeyFeatureNames(['cart', 'home'])).toEqual([
      'pages',
      'depth',
      'time_on_site_seconds',
      'cart_adds',
      'searches',
      'last_page_type=cart',
      'last_page_type=home',
      'last_page_type=other',
    ]);
  });

  it('is the list the fixture model was trained on', () => {
    expect(journeyFeatureNames(CATEGORIES)).toEqual(metadata.features);
  });
});

describe('journey features', () => {
  it('puts the counts first, in the metadata order, as float32', () => {
    const row = featurizer.encode(
      state({ pages: 7, depth: 6, time_on_site_seconds: 1234, cart_adds: 2, searches: 5 }),
    );
    expect(row).toBeInstanceOf(Float32Array);
    expect(row).toHaveLength(metadata.features.length);
    expect(Array.from(row.subarray(0, NUMERIC_FEATURES.length))).toEqual([7, 6, 1234, 2, 5]);
  });

  it('does not read purchases', () => {
    expect(featurizer.encode(state({ purchases: 4 }))).toEqual(featurizer.encode(state()));
  });

  it.each(CATEGORIES.map((pageType) => [pageType]))('sets the %s column alone', (pageType) => {
    expect(pageTypeColumns(featurizer.encode(state({ last_page_type: pageType })))).toEqual([
      `last_page_type=${pageType}`,
    ]);
  });

  const others: [string, string | null][] = [
    ['null (no page yet)', null],
    ['an AMATO page type without a column (confirmation)', 'confirmation'],
    ['a string that is no page type', 'wishlist'],
    ['another case of a page type', 'Product'],
    ['the empty string', ''],
    ['the other column name itself', 'other'],
  ];
  it.each(others)('sets the other column alone for %s', (_, pageType) => {
    expect(pageTypeColumns(featurizer.encode(state({ last_page_type: pageType })))).toEqual([
      OTHER_PAGE_TYPE_FEATURE,
    ]);
  });

  it('gives every AMATO page type exactly one column', () => {
    for (const pageType of PAGE_TYPES) {
      const expected = CATEGORIES.includes(pageType)
        ? `last_page_type=${pageType}`
        : OTHER_PAGE_TYPE_FEATURE;
      expect(pageTypeColumns(featurizer.encode(state({ last_page_type: pageType })))).toEqual([
        expected,
      ]);
    }
  });

  it('with no categories, encodes every page type in the other column', () => {
    const bare = createJourneyFeaturizer([]);
    expect(bare.featureNames).toEqual([...NUMERIC_FEATURES, OTHER_PAGE_TYPE_FEATURE]);
    expect(Array.from(bare.encode(state({ last_page_type: 'home' })))).toEqual([3, 3, 95, 1, 2, 1]);
  });

  it('writes a batch row at its offset, clearing the page type a reused buffer held', () => {
    const { width } = featurizer;
    const rows = new Float32Array(3 * width).fill(9);
    featurizer.encodeInto(state({ last_page_type: 'home' }), rows, width);
    featurizer.encodeInto(state({ last_page_type: null }), rows, width);
    expect(Array.from(rows.subarray(0, width))).toEqual(new Array<number>(width).fill(9));
    expect(rows.subarray(width, 2 * width)).toEqual(
      featurizer.encode(state({ last_page_type: null })),
    );
    expect(Array.from(rows.subarray(2 * width))).toEqual(new Array<number>(width).fill(9));
  });

  const invalid: [keyof JourneyState, number][] = [
    ['pages', -1],
    ['depth', 1.5],
    ['time_on_site_seconds', Number.NaN],
    ['cart_adds', Number.POSITIVE_INFINITY],
    ['searches', -0.5],
  ];
  it.each(invalid)('refuses %s = %p instead of scoring it', (field, value) => {
    expect(() => featurizer.encode(state({ [field]: value }))).toThrow(
      new RangeError(`journey state: ${field} is ${String(value)}, expected a count (≥ 0)`),
    );
  });

  it('journeyFeatures encodes one state for the model the metadata describes', () => {
    expect(journeyFeatures(state(), metadata)).toEqual(featurizer.encode(state()));
  });

  it('encodes every fixture state to the row Python encoded', () => {
    const holdout = fixtureHoldout();
    expect(holdout.features).toEqual(metadata.features);
    for (const row of holdout.rows) {
      expect(Array.from(journeyFeatures(row.state, metadata))).toEqual(row.features);
    }
  });

  it('the fixture states cover every column, null and a non-page-type', () => {
    const pageTypes = new Set(fixtureHoldout().rows.map((row) => row.state.last_page_type));
    for (const category of CATEGORIES) expect(pageTypes).toContain(category);
    expect(pageTypes).toContain(null);
    expect([...pageTypes].some((p) => p !== null && !CATEGORIES.includes(p as PageType))).toBe(
      true,
    );
  });
});
