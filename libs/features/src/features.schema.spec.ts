import { Value } from '@sinclair/typebox/value';
// Registers the string formats (date-time) the schemas name.
import '@amato/contracts';
import { emptyAggregates } from './aggregates';
import { deriveFeatures } from './derive';
import { CustomerFeaturesSchema } from './features.schema';

describe('CustomerFeaturesSchema', () => {
  const derived = deriveFeatures(
    {
      ...emptyAggregates('CUST_000001'),
      sessions: 2,
      devices: { desktop: 0, mobile: 2, tablet: 0 },
    },
    Date.parse('2026-01-31T12:00:00Z'),
  );

  it('describes what deriveFeatures returns', () => {
    expect([...Value.Errors(CustomerFeaturesSchema, derived)]).toEqual([]);
  });

  it('names exactly the features and windows deriveFeatures computes', () => {
    expect(Object.keys(CustomerFeaturesSchema.properties.features.properties)).toEqual(
      Object.keys(derived.features),
    );
    expect(Object.keys(CustomerFeaturesSchema.properties.windows.properties)).toEqual(
      Object.keys(derived.windows),
    );
  });
});
