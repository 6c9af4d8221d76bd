import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Φ(x). */
export function standardNormalCdf(x: number): number {
  return normalCdf(x, 0, 1);
}

/** φ(x). */
export function standardNormalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Φ⁻¹(p). */
export function standardNormalQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** The z of a two-sided interval at level alpha: Φ⁻¹(1 − alpha/2). */
export function zCritical(alpha: number): number {
  return standardNormalQuantile(1 - alpha / 2);
}

/** The t of a two-sided interval at level alpha with df degrees of freedom. */
export function tCritical(alpha: number, df: number): number {
  return tQuantile(1 - alpha / 2, df);
}

// Both tails from the lower one: 1 − cdf(|x|) would round to 0 long before the p-value does.
/** Two-sided p-value of a standard normal statistic. */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, 2 * standardNormalCdf(-Math.abs(z)));
}

/** Two-sided p-value of a t statistic with df degrees of freedom. */
export function twoSidedTPValue(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/**
 * P(χ²_df > x), as the upper regularized incomplete gamma Q(df/2, x/2): 1 − cdf would round to
 * 0 for the large statistics a broken split gives, and the SRM p-value is reported as such.
 */
export function chiSquareSurvival(x: number, df: number): number {
  return gammainc(x / 2, df / 2, true, true);
}
