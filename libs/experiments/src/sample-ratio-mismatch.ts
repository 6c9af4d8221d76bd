import { chiSquareSurvival } from './distributions';

export interface SampleRatioMismatch {
  /** Pearson's χ² of the observed users against the planned split. */
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Chi-square goodness-of-fit of the users per variant against the planned weights. A small
 * p-value says assignment or logging is broken (users lost or double-counted in one variant),
 * which biases every comparison in a way no later statistic can correct.
 */
export function sampleRatioMismatch(
  users: readonly number[],
  weights: readonly number[],
): SampleRatioMismatch {
  const total = users.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let statistic = 0;
  users.forEach((observed, i) => {
    const expected = (total * (weights[i] ?? 0)) / weightSum;
    statistic += (observed - expected) ** 2 / expected;
  });
  const df = users.length - 1;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df) };
}
