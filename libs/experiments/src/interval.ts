/** A two-sided interval; either end may be infinite when the data cannot bound it yet. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** The interval estimate ± halfWidth. */
export function around(estimate: number, halfWidth: number): Interval {
  return { lower: estimate - halfWidth, upper: estimate + halfWidth };
}

/** Whether the interval lies entirely above 0 (1), entirely below (-1) or covers 0 (0). */
export function signOf(interval: Interval): -1 | 0 | 1 {
  if (interval.lower > 0) return 1;
  if (interval.upper < 0) return -1;
  return 0;
}
