import { CustomerFeaturesSchema, type SegmentationFeatures } from '@amato/features';

/** The segmentation vector: the 36 features of a customer, in the order every model reads them. */
export const SEGMENTATION_FEATURES = Object.keys(
  CustomerFeaturesSchema.properties.features.properties,
) as (keyof SegmentationFeatures)[];

/** A customer's vector in SEGMENTATION_FEATURES order; a missing or non-finite value is refused. */
export function segmentationVector(
  features: Readonly<Record<string, unknown>>,
  names: readonly string[] = SEGMENTATION_FEATURES,
): number[] {
  return names.map((name) => {
    const value = features[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(
        `feature ${name}: expected a finite number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
      );
    }
    return value;
  });
}

/** Where the profile's four features sit in a vector of `names`. */
export function profileColumns(names: readonly string[]) {
  const at = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new RangeError(`the segmentation vector has no ${name}`);
    return i;
  };
  return {
    monetary: at('monetary_value'),
    frequency: at('frequency'),
    recency: at('recency_days'),
    engagement: at('avg_engagement_score'),
  };
}
