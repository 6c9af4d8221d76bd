import type { Metric, VariantStatistics } from './experiment-input';
import type { Interval } from './interval';
import { relativeLift } from './relative-lift';
import {
  centredCross,
  centredSquares,
  metricSums,
  type SampleSummary,
  summarize,
} from './sample-summary';
import { welchTTest } from './welch-t-test';

export interface CupedComparison {
  /** θ = pooled within-variant Cov(x, y) / Var(x). */
  readonly theta: number;
  /** 1 − Var(adjusted lift) / Var(unadjusted lift): the share of variance the covariate removes. */
  readonly varianceReduction: number;
  readonly control: number;
  readonly treatment: number;
  readonly absoluteLift: number;
  readonly absoluteInterval: Interval;
  readonly relativeLift: number | null;
  readonly relativeInterval: Interval | null;
  readonly pValue: number;
  readonly df: number;
}

/** What CUPED needs of one variant for one metric: n and the sums of x, y and their products. */
interface CovariateSums {
  readonly n: number;
  readonly sumY: number;
  readonly sumYY: number;
  readonly sumX: number;
  readonly sumXX: number;
  readonly sumXY: number;
}

/**
 * CUPED: each user's y is replaced by y − θ(x − x̄), x the pre-exposure covariate and x̄ its mean
 * over all variants. The covariate was fixed before exposure, so the adjustment cannot be
 * moved by the treatment and the adjusted lift estimates the same effect, with variance
 * reduced by about ρ(x, y)². θ comes from the covariances pooled within the variants, so a
 * treatment effect on y does not leak into it. The adjusted means are then compared by Welch's
 * t-test, as revenue is, and relative lift by the delta method on the adjusted means.
 *
 * Returns null when the test has no covariate, or (for conversion) no x·converted sums.
 */
export function cupedComparison(
  variants: readonly VariantStatistics[],
  control: VariantStatistics,
  treatment: VariantStatistics,
  metric: Metric,
  alpha: number,
): CupedComparison | null {
  const sums = variants.map((v) => covariateSums(v, metric));
  const c = covariateSums(control, metric);
  const t = covariateSums(treatment, metric);
  if (c === null || t === null || sums.some((s) => s === null)) return null;
  const all = sums as CovariateSums[];

  const within = (f: (s: CovariateSums) => number) => all.reduce((acc, s) => acc + f(s), 0);
  const sxx = within((s) => centredSquares(s.sumXX, s.sumX, s.n));
  const sxy = within((s) => centredCross(s.sumXY, s.sumX, s.sumY, s.n));
  // A covariate that does not vary (every user spent the same) carries no information.
  const theta = sxx > 0 ? sxy / sxx : 0;
  const grandMeanX = within((s) => s.sumX) / within((s) => s.n);

  const adjust = (s: CovariateSums): SampleSummary => {
    const cyy = centredSquares(s.sumYY, s.sumY, s.n);
    const cxy = centredCross(s.sumXY, s.sumX, s.sumY, s.n);
    const cxx = centredSquares(s.sumXX, s.sumX, s.n);
    return {
      n: s.n,
      mean: s.sumY / s.n - theta * (s.sumX / s.n - grandMeanX),
      variance: Math.max(0, cyy - 2 * theta * cxy + theta ** 2 * cxx) / (s.n - 1),
    };
  };
  const adjustedC = adjust(c);
  const adjustedT = adjust(t);
  const welch = welchTTest(adjustedC, adjustedT, alpha);
  const rawC = summarize(control, metric);
  const rawT = summarize(treatment, metric);
  const rawVariance = rawC.variance / rawC.n + rawT.variance / rawT.n;
  const adjustedVariance = adjustedC.variance / adjustedC.n + adjustedT.variance / adjustedT.n;
  const relative = relativeLift(
    { mean: adjustedC.mean, variance: adjustedC.variance / adjustedC.n },
    { mean: adjustedT.mean, variance: adjustedT.variance / adjustedT.n },
    alpha,
  );
  return {
    theta,
    varianceReduction: rawVariance > 0 ? 1 - adjustedVariance / rawVariance : 0,
    control: adjustedC.mean,
    treatment: adjustedT.mean,
    absoluteLift: welch.absoluteLift,
    absoluteInterval: welch.absoluteInterval,
    relativeLift: relative.lift,
    relativeInterval: relative.interval,
    pValue: welch.pValue,
    df: welch.df,
  };
}

function covariateSums(variant: VariantStatistics, metric: Metric): CovariateSums | null {
  const covariate = variant.covariate;
  if (covariate === undefined) return null;
  const crossSum = metric === 'revenue' ? covariate.revenueCrossSum : covariate.converterCrossSum;
  if (crossSum === undefined) return null;
  const y = metricSums(variant, metric);
  return {
    n: variant.users,
    sumY: y.sum,
    sumYY: y.squares,
    sumX: covariate.sum,
    sumXX: covariate.sumOfSquares,
    sumXY: crossSum,
  };
}
