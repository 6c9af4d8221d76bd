/**
 * What the engine reads about one test: per variant, sums that one Trino query produces from a
 * table of exposed users (one row per user with `converted`, `revenue` and `pre_spend`), grouped
 * by test and variant. Sums rather than rows, so a test of millions of users arrives as a few
 * numbers; every statistic of the engine is a function of them.
 */

/** The metrics of the engine: conversion (a 0/1 per user) and revenue per user. */
export type Metric = 'conversion' | 'revenue';

/** Totals of one variant over a window of exposure, each sum taken over its exposed users. */
export interface SufficientStatistics {
  /** Exposed users: `count(*)`. */
  readonly users: number;
  /** Users who converted at least once after exposure: `count_if(converted)`. */
  readonly converters: number;
  /** Σ revenue per user (0 for users who did not buy): `sum(revenue)`. */
  readonly revenueSum: number;
  /** Σ revenue² per user: `sum(revenue * revenue)`. */
  readonly revenueSumOfSquares: number;
}

/**
 * Sums of the pre-exposure covariate x (each user's spend in a fixed window before exposure,
 * 0 if none) for CUPED. Every variant of a test has them, or none does.
 */
export interface CovariateStatistics {
  /** Σ x: `sum(pre_spend)`. */
  readonly sum: number;
  /** Σ x²: `sum(pre_spend * pre_spend)`. */
  readonly sumOfSquares: number;
  /** Σ x·revenue: `sum(pre_spend * revenue)`. */
  readonly revenueCrossSum: number;
  /** Σ x·converted: `sum(pre_spend * converted)`; without it CUPED covers revenue only. */
  readonly converterCrossSum?: number;
}

/**
 * The totals of a variant at the end of one day: cumulative from the start of the test, so
 * each point is a look the sequential analysis takes. `sum(...) over (partition by test_id,
 * variant order by day)` on daily sums produces it.
 */
export interface DailyStatistics extends SufficientStatistics {
  /** The day the totals end with, `YYYY-MM-DD`; days increase along the series. */
  readonly day: string;
}

/** One variant of a test. */
export interface VariantStatistics extends SufficientStatistics {
  /** The variant's name, unique within its test. */
  readonly variant: string;
  readonly covariate?: CovariateStatistics;
  /**
   * Optional: the cumulative totals day by day, the same days for every variant, ending with
   * the totals above. Without it the sequential analysis has one look, the totals.
   */
  readonly daily?: readonly DailyStatistics[];
}

/** One test to analyse. */
export interface ExperimentInput {
  readonly testId: string;
  /** The variant the others are compared with. */
  readonly control: string;
  /** At least two: the control and one treatment or more. */
  readonly variants: readonly VariantStatistics[];
  /**
   * The planned share of traffic of each variant, as weights (`{ control: 1, treatment: 1 }`,
   * `{ A: 0.5, B: 0.25, C: 0.25 }`); one for every variant. Default: equal.
   */
  readonly plannedSplit?: Readonly<Record<string, number>>;
  /** The metric the verdict decides on; the other is the guardrail. Default: conversion. */
  readonly primaryMetric?: Metric;
}
