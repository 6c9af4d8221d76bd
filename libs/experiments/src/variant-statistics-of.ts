import { sum } from 'simple-statistics';
import type { DailyStatistics, SufficientStatistics, VariantStatistics } from './experiment-input';

/** One exposed user of a variant, for callers that hold rows rather than sums. */
export interface ExposedUser {
  readonly converted: boolean;
  /** Revenue after exposure; 0 if none. */
  readonly revenue: number;
  /** Spend in the window before exposure; needed by every user for CUPED. */
  readonly preExposureSpend?: number;
  /** Day of exposure, `YYYY-MM-DD`; needed for a daily series. */
  readonly day?: string;
}

/**
 * The sufficient statistics of a variant from its users: the numbers the Trino query computes,
 * for simulations, tests and callers that have the rows in memory. With `days`, also the
 * cumulative series at the end of each (pass the same days for every variant of a test).
 * Sums are compensated, so a large sample does not lose its variance to rounding.
 */
export function variantStatisticsOf(
  variant: string,
  users: readonly ExposedUser[],
  days?: readonly string[],
): VariantStatistics {
  const spend = users.map((u) => u.preExposureSpend);
  const covariate = spend.every((x): x is number => x !== undefined)
    ? {
        sum: sum(spend),
        sumOfSquares: sum(spend.map((x) => x * x)),
        revenueCrossSum: sum(users.map((u, i) => (spend[i] as number) * u.revenue)),
        converterCrossSum: sum(users.map((u, i) => (u.converted ? (spend[i] as number) : 0))),
      }
    : undefined;
  const daily = days?.map((day): DailyStatistics => ({
    day,
    ...totals(users.filter((u) => u.day !== undefined && u.day <= day)),
  }));
  return {
    variant,
    ...totals(users),
    ...(users.length > 0 && covariate ? { covariate } : {}),
    ...(daily ? { daily } : {}),
  };
}

function totals(users: readonly ExposedUser[]): SufficientStatistics {
  const revenue = users.map((u) => u.revenue);
  return {
    users: users.length,
    converters: users.filter((u) => u.converted).length,
    revenueSum: sum(revenue),
    revenueSumOfSquares: sum(revenue.map((y) => y * y)),
  };
}
