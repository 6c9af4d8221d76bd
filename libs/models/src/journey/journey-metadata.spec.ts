import { ModelArtifactError } from '../model-artifact-error';
import { fixtureMetadata } from './journey-fixture';
import { JOURNEY_FORMAT, parseJourneyMetadata } from './journey-metadata';

/** The fixture's metadata with some fields replaced (undefined removes one). */
function metadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = fixtureMetadata();
  for (const [field, value] of Object.entries(overrides)) {
    if (value === undefined) Reflect.deleteProperty(base, field);
    else base[field] = value;
  }
  return base;
}

/** The fixture's features with `change` applied to a copy. */
function features(change: (list: string[]) => void): string[] {
  const list = [...(fixtureMetadata().features as string[])];
  change(list);
  return list;
}

function problemOf(raw: unknown): string {
  try {
    parseJourneyMetadata(raw);
  } catch (error) {
    if (error instanceof ModelArtifactError) {
      expect(error.model).toBe('journey');
      expect(error.message).toBe(`model journey: ${error.problem}`);
      return error.problem;
    }
    throw error;
  }
  throw new Error('the metadata was accepted');
}

describe('parseJourneyMetadata', () => {
  it('accepts the fixture metadata and keeps the fields it does not type', () => {
    const parsed = parseJourneyMetadata(metadata());
    expect(parsed.format).toBe(JOURNEY_FORMAT);
    expect(parsed.page_types).toEqual(fixtureMetadata().page_types);
    expect(parsed.input.name).toBe('input');
    expect(parsed.output).toMatchObject({ name: 'probabilities', positive_class_index: 1 });
    expect(parsed.split).toEqual(fixtureMetadata().split);
  });

  const cases: [string, unknown, string][] = [
    ['not an object', [1, 2], 'the metadata is [1,2], expected an object'],
    ['null', null, 'the metadata is null, expected an object'],
    [
      'another format',
      metadata({ format: 'amato.journey.v2' }),
      'format is "amato.journey.v2", expected "amato.journey.v1"',
    ],
    [
      'no format',
      metadata({ format: undefined }),
      'format is missing, expected "amato.journey.v1"',
    ],
    [
      'page types that are not a list',
      metadata({ page_types: 'home' }),
      'page_types is "home", expected a list of strings',
    ],
    [
      'a page type that is not a string',
      metadata({ page_types: ['home', 3] }),
      'page_types[1] is 3, expected a string',
    ],
    [
      'a page type AMATO does not have',
      metadata({ page_types: ['home', 'wishlist'] }),
      'page_types lists "wishlist", which is no AMATO page type',
    ],
    [
      'a page type twice',
      metadata({ page_types: ['home', 'cart', 'home'] }),
      'page_types lists "home" twice',
    ],
    [
      'features in another order',
      metadata({ features: features((list) => list.reverse()) }),
      'features[0] is "last_page_type=other", the featurizer puts "pages" there',
    ],
    [
      'a feature the featurizer cannot produce',
      metadata({ features: features((list) => list.splice(2, 1, 'purchases')) }),
      'features[2] is "purchases", the featurizer puts "time_on_site_seconds" there',
    ],
    [
      'one feature more than the page types give',
      metadata({ features: features((list) => list.push('last_page_type=confirmation')) }),
      'features lists 15 columns, the page types give 14: "last_page_type=confirmation" is extra',
    ],
    [
      'one feature fewer',
      metadata({ features: features((list) => list.pop()) }),
      'features lists 13 columns, the page types give 14: "last_page_type=other" is missing',
    ],
    [
      'no input name',
      metadata({ input: { dtype: 'float32' } }),
      'input.name is missing, expected a name',
    ],
    [
      'an empty output name',
      metadata({ output: { name: '', positive_class_index: 1 } }),
      'output.name is "", expected a name',
    ],
    [
      'an input shape of another width',
      metadata({ input: { name: 'input', shape: [null, 11] } }),
      'input.shape has 11 columns, expected 14 (the feature count)',
    ],
    [
      'an input shape of one dimension',
      metadata({ input: { name: 'input', shape: [14] } }),
      'input.shape is [14], expected [batch, 14]',
    ],
    [
      'an output of three classes',
      metadata({ output: { name: 'p', shape: [null, 3], positive_class_index: 1 } }),
      'output.shape has 3 columns, expected 2 (two classes)',
    ],
    [
      'no positive class index',
      metadata({ output: { name: 'probabilities' } }),
      'output.positive_class_index is missing, expected 0 or 1',
    ],
  ];
  it.each(cases)('refuses %s', (_, raw, problem) => {
    expect(problemOf(raw)).toBe(problem);
  });
});
