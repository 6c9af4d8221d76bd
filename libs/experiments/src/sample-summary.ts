import type { Metric, SufficientStatistics } from './experiment-input';

/** n, mean and sample variance (n − 1 in the denominator) of one metric in one variant. */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** The summary of a metric from its sufficient statistics. */
export function summarize(stats: SufficientStatistics, metric: Metric): SampleSummary {
  const n = stats.users;
  const { sum, squares } = metricSums(stats, metric);
  const mean = n > 0 ? sum / n : 0;
  return { n, mean, variance: n > 1 ? centredSquares(squares, sum, n) / (n - 1) : 0 };
}

/** Σy and Σy² of a metric. */
export function metricSums(
  stats: SufficientStatistics,
  metric: Metric,
): { readonly sum: number; readonly squares: number } {
  // A converter's y is 1, so Σy² is the count of converters as well.
  return metric === 'conversion'
    ? { sum: stats.converters, squares: stats.converters }
    : { sum: stats.revenueSum, squares: stats.revenueSumOfSquares };
}

/** Σ(y − ȳ)² from Σy² and Σy, clamped: rounding can push a sum of squares a hair below 0. */
export function centredSquares(squares: number, sum: number, n: number): number {
  return Math.max(0, squares - (sum * sum) / n);
}

/** Σ(a − ā)(b − b̄) from Σab, Σa and Σb. */
export function centredCross(crossSum: number, sumA: number, sumB: number, n: number): number {
  return crossSum - (sumA * sumB) / n;
}

/** The variance of the mean of a sample. */
export function varianceOfMean(summary: SampleSummary): number {
  return summary.variance / summary.n;
}
