import type { Metric, SufficientStatistics } from './experiment-input';
import { type Interval, around, signOf } from './interval';
import { summarize } from './sample-summary';

/**
 * One look of the mixture sequential probability ratio test (mSPRT) at a difference of means:
 * the estimate Δ̂ = ȳ_t − ȳ_c, its variance V = s_c²/n_c + s_t²/n_t, and τ², the variance of
 * the normal mixing distribution over the true difference.
 */
export interface MixtureLook {
  readonly diff: number;
  readonly variance: number;
  readonly tau2: number;
}

/** The cumulative totals of control and treatment at one look, labelled (a day, or 'total'). */
export interface SequentialLook {
  readonly label: string;
  readonly control: SufficientStatistics;
  readonly treatment: SufficientStatistics;
}

export interface SequentialAnalysis {
  /** The level the intervals hold at, over every look together. */
  readonly alpha: number;
  /** The mixing standard deviation, in per-user standard deviations. */
  readonly tau: number;
  /** The intersection of the intervals of all looks so far, itself always valid. */
  readonly interval: Interval;
  /** The interval of the last look alone. */
  readonly lastInterval: Interval;
  /** min over looks of 1/Λ: reject at level α once it is ≤ α, whenever one stops. */
  readonly alwaysValidPValue: number;
  readonly looks: number;
  /** The first look at which the running interval excluded 0, or null. */
  readonly firstSignificantLook: string | null;
}

const UNBOUNDED: Interval = { lower: -Infinity, upper: Infinity };

/**
 * The look of a metric, or null while either variant has fewer than 2 users or no variance
 * (no interval can be formed yet). Per-user variances are plugged in: conversion's p(1 − p),
 * revenue's sample variance. τ² = (tau · s̄)², with s̄² the mean of the two variances, so that
 * tau is a standardized effect size and one default serves every metric and currency.
 */
export function mixtureLook(
  control: SufficientStatistics,
  treatment: SufficientStatistics,
  metric: Metric,
  tau: number,
): MixtureLook | null {
  if (control.users < 2 || treatment.users < 2) return null;
  const c = summarize(control, metric);
  const t = summarize(treatment, metric);
  const perUser = (s: typeof c) => (metric === 'conversion' ? s.mean * (1 - s.mean) : s.variance);
  const vc = perUser(c);
  const vt = perUser(t);
  const variance = vc / c.n + vt / t.n;
  const tau2 = (tau * tau * (vc + vt)) / 2;
  if (!(variance > 0 && tau2 > 0)) return null;
  return { diff: t.mean - c.mean, variance, tau2 };
}

/**
 * log Λ(θ₀): the likelihood of Δ̂ ~ N(θ, V) mixed over θ ~ N(θ₀, τ²), against θ = θ₀,
 *
 *   Λ(θ₀) = √(V / (V + τ²)) · exp(τ² (Δ̂ − θ₀)² / (2V(V + τ²))).
 *
 * Under θ = θ₀ it is a nonnegative martingale in the sample size with mean 1, so by Ville's
 * inequality it exceeds 1/α at any look with probability at most α: peeking cannot inflate it.
 */
export function logMixtureLikelihoodRatio(look: MixtureLook, theta0: number): number {
  const { diff, variance: v, tau2 } = look;
  return 0.5 * Math.log(v / (v + tau2)) + (tau2 * (diff - theta0) ** 2) / (2 * v * (v + tau2));
}

/**
 * The always-valid interval {θ₀ : Λ(θ₀) < 1/α}, in closed form:
 *
 *   Δ̂ ± √( V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V)) ).
 */
export function alwaysValidInterval(look: MixtureLook, alpha: number): Interval {
  const { diff, variance: v, tau2 } = look;
  const halfWidth = Math.sqrt(
    ((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)),
  );
  return around(diff, halfWidth);
}

/** 1/Λ(0) capped at 1: the smallest α whose interval excludes 0 at this look. */
export function alwaysValidPValue(look: MixtureLook): number {
  return Math.min(1, Math.exp(-logMixtureLikelihoodRatio(look, 0)));
}

/**
 * The sequential analysis over a series of looks: the running intersection of the always-valid
 * intervals and the running minimum of the p-values. Both are valid at every look at once, so
 * a test may be read every day and stopped the first day the interval excludes 0. If the
 * intersection ever comes out empty (possible only with probability α, or when the data break
 * the model) the last interval stands alone.
 */
export function sequentialAnalysis(
  looks: readonly SequentialLook[],
  metric: Metric,
  alpha: number,
  tau: number,
): SequentialAnalysis {
  let running = UNBOUNDED;
  let last = UNBOUNDED;
  let pValue = 1;
  let firstSignificantLook: string | null = null;
  for (const { label, control, treatment } of looks) {
    const look = mixtureLook(control, treatment, metric, tau);
    if (look === null) continue;
    last = alwaysValidInterval(look, alpha);
    running = {
      lower: Math.max(running.lower, last.lower),
      upper: Math.min(running.upper, last.upper),
    };
    pValue = Math.min(pValue, alwaysValidPValue(look));
    if (firstSignificantLook === null && signOf(running) !== 0) firstSignificantLook = label;
  }
  return {
    alpha,
    tau,
    interval: running.lower <= running.upper ? running : last,
    lastInterval: last,
    alwaysValidPValue: pValue,
    looks: looks.length,
    firstSignificantLook,
  };
}
