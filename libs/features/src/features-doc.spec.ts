import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { emptyAggregates } from './aggregates';
import { deriveFeatures } from './derive';
import { featuresMarkdown } from './features-doc';
import { FEATURE_DOCS } from './features.schema';

describe('the feature documentation', () => {
  it('documents exactly the features deriveFeatures computes', () => {
    const computed = Object.keys(deriveFeatures(emptyAggregates('CUST_000001'), 0).features);
    expect(Object.keys(FEATURE_DOCS)).toEqual(computed);
  });

  it('is what docs/features.md says (regenerate with npm run docs:features)', () => {
    const file = readFileSync(resolve(__dirname, '../../../docs/features.md'), 'utf8');
    expect(file).toBe(featuresMarkdown());
  });
});
