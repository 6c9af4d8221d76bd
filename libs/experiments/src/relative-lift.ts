import { zCritical } from './distributions';
import { around, type Interval } from './interval';

/** An estimated mean and the variance of that estimate. */
export interface MeanEstimate {
  readonly mean: number;
  readonly variance: number;
}

export interface RelativeLift {
  /** treatment / control − 1; null when the control's mean is 0. */
  readonly lift: number | null;
  readonly interval: Interval | null;
}

/**
 * Relative lift with a delta-method interval: for r = t/c − 1 with independent estimates,
 * Var(r) ≈ Var(t)/c² + t²·Var(c)/c⁴. The ratio has no finite variance when c can be 0, so the
 * approximation is only as good as c is far from 0 relative to its standard error.
 */
export function relativeLift(
  control: MeanEstimate,
  treatment: MeanEstimate,
  alpha: number,
): RelativeLift {
  const c = control.mean;
  const t = treatment.mean;
  if (c === 0) return { lift: null, interval: null };
  const lift = t / c - 1;
  const se = Math.sqrt(treatment.variance / c ** 2 + (t ** 2 * control.variance) / c ** 4);
  return { lift, interval: around(lift, zCritical(alpha) * se) };
}
