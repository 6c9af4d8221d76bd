/**
 * A test statistic: the estimate over its standard error. A zero standard error (no converter,
 * or only converters, in both variants) means no evidence when the estimate is 0 and certainty
 * when it is not.
 */
export function standardize(estimate: number, se: number): number {
  if (se > 0) return estimate / se;
  if (estimate === 0) return 0;
  return estimate > 0 ? Infinity : -Infinity;
}
