import type { PosteriorComparison } from './beta-binomial';
import type { CupedComparison } from './cuped';
import type { Metric } from './experiment-input';
import type { Interval } from './interval';
import type { SampleRatioMismatch } from './sample-ratio-mismatch';
import type { SequentialAnalysis } from './always-valid-interval';
import type { Verdict } from './verdict';

/** What the engine says about one variant on its own. */
export interface VariantSummary {
  readonly variant: string;
  readonly users: number;
  /** Its share of the test's users. */
  readonly observedShare: number;
  /** Its share under the planned split. */
  readonly plannedShare: number;
  readonly conversionRate: number;
  readonly revenueMean: number;
  /** Sample standard deviation of revenue per user. */
  readonly revenueSd: number;
}

/** The fixed-horizon test: valid if the test is read once, at a sample size fixed in advance. */
export interface FixedHorizonTest {
  readonly name: 'two_proportion_z' | 'welch_t';
  readonly statistic: number;
  /** Welch–Satterthwaite degrees of freedom; null for the z-test. */
  readonly df: number | null;
  readonly pValue: number;
  /** The p-value adjusted across every comparison of the tests analysed together, per metric. */
  readonly adjustedPValue: { readonly holm: number; readonly bh: number };
}

export interface MinimumDetectableEffect {
  /** Standardized: Cohen's h for conversion, Cohen's d (control's sd) for revenue. */
  readonly effectSize: number;
  /** In the metric's units, upwards from control: a rate difference, or revenue per user. */
  readonly absolute: number;
  /** Relative to control's rate or mean; null when that is 0. */
  readonly relative: number | null;
}

/** One treatment against the control on one metric. */
export interface MetricComparison {
  readonly metric: Metric;
  /** Control's and treatment's rate (conversion) or mean (revenue per user). */
  readonly control: number;
  readonly treatment: number;
  readonly absoluteLift: number;
  readonly absoluteInterval: Interval;
  readonly relativeLift: number | null;
  readonly relativeInterval: Interval | null;
  readonly test: FixedHorizonTest;
  readonly bayesian: PosteriorComparison & {
    readonly method: 'beta_binomial' | 'normal_approximation';
  };
  /** Null when the test has no pre-exposure covariate for this metric. */
  readonly cuped: CupedComparison | null;
  readonly sequential: SequentialAnalysis;
  /** What this test can detect at its current sample sizes. */
  readonly mde: MinimumDetectableEffect;
}

export interface Comparison {
  readonly treatment: string;
  readonly conversion: MetricComparison;
  readonly revenue: MetricComparison;
}

export interface ExperimentAnalysis {
  readonly testId: string;
  readonly control: string;
  readonly primaryMetric: Metric;
  /** Level of the fixed-horizon intervals and tests. */
  readonly alpha: number;
  readonly variants: readonly VariantSummary[];
  readonly srm: SampleRatioMismatch;
  /** One per treatment, in input order. */
  readonly comparisons: readonly Comparison[];
  readonly verdict: Verdict;
}
