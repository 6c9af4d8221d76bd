import type { DailyStatistics, SufficientStatistics, VariantStatistics } from '../experiment-input';
import { SeededRandom } from './seeded-random';

// Bound once: see seeded-random.ts on jest's cost of each lookup of the global Math.
const { exp, min, sqrt } = Math;

/** How the users of one variant behave. */
export interface VariantModel {
  readonly conversionRate: number;
  /**
   * Added to every user's revenue: a pure shift of location, the alternative the power
   * calculation assumes (a larger basket would also widen the spread).
   */
  readonly revenueShift?: number;
}

// Log-normal baskets give revenue per user the long right tail it has.
const BASKET_MU = 3.5;
const BASKET_SIGMA = 0.6;

/** The standard deviation of revenue per user under a model of `dailyVariant`. */
export function revenueSd(model: VariantModel): number {
  const p = model.conversionRate;
  const mean = exp(BASKET_MU + BASKET_SIGMA ** 2 / 2);
  const variance = (exp(BASKET_SIGMA ** 2) - 1) * mean ** 2;
  return sqrt(p * (variance + mean ** 2) - (p * mean) ** 2);
}

const dayLabel = (i: number) => `2026-04-${String(i + 1).padStart(2, '0')}`;

/** Running sums of one variant, as the Trino query would compute them. */
class Sums {
  users = 0;
  converters = 0;
  revenueSum = 0;
  revenueSumOfSquares = 0;
  preSum = 0;
  preSumOfSquares = 0;
  preRevenue = 0;
  preConverted = 0;

  add(converted: boolean, revenue: number, pre = 0): void {
    this.users++;
    if (converted) this.converters++;
    this.revenueSum += revenue;
    this.revenueSumOfSquares += revenue * revenue;
    this.preSum += pre;
    this.preSumOfSquares += pre * pre;
    this.preRevenue += pre * revenue;
    if (converted) this.preConverted += pre;
  }

  totals(): SufficientStatistics {
    const { users, converters, revenueSum, revenueSumOfSquares } = this;
    return { users, converters, revenueSum, revenueSumOfSquares };
  }
}

/**
 * A seeded source of simulated tests, for checking the engine's error rates: the same seed
 * gives the same tests.
 */
export class SimulatedShop {
  private readonly random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** Users a variant gets out of `total` when each is assigned to it with probability `share`. */
  assign(total: number, share: number): number {
    return this.random.binomial(total, share);
  }

  /** A variant's cumulative totals after each of `days` days of `usersPerDay` new users. */
  dailyVariant(
    name: string,
    model: VariantModel,
    usersPerDay: number,
    days: number,
  ): VariantStatistics {
    const sums = new Sums();
    const shift = model.revenueShift ?? 0;
    const daily: DailyStatistics[] = [];
    for (let d = 0; d < days; d++) {
      for (let i = 0; i < usersPerDay; i++) {
        const converted = this.random.bernoulli(model.conversionRate);
        sums.add(converted, (converted ? this.basket() : 0) + shift);
      }
      daily.push({ day: dayLabel(d), ...sums.totals() });
    }
    return { variant: name, ...sums.totals(), daily };
  }

  /**
   * A variant of one look with a pre-exposure spend that shares a latent taste for the shop with
   * the revenue, as with real customers, so that CUPED has something to remove.
   */
  variantWithCovariate(name: string, model: VariantModel, users: number): VariantStatistics {
    const sums = new Sums();
    for (let i = 0; i < users; i++) {
      const taste = this.random.normal(0, 1);
      const pre = exp(3 + taste + this.random.normal(0, 0.3));
      // exp(k·taste − k²/2) has mean 1: taste moves who buys and spends, not the averages.
      const converted = this.random.bernoulli(min(1, model.conversionRate * exp(taste - 0.5)));
      sums.add(converted, converted ? this.basket() * exp(0.5 * taste - 0.125) : 0, pre);
    }
    return {
      variant: name,
      ...sums.totals(),
      covariate: {
        sum: sums.preSum,
        sumOfSquares: sums.preSumOfSquares,
        revenueCrossSum: sums.preRevenue,
        converterCrossSum: sums.preConverted,
      },
    };
  }

  private basket(): number {
    return exp(this.random.normal(BASKET_MU, BASKET_SIGMA));
  }
}

/** Half-width of a binomial proportion's 3.5-sigma band: a false alarm in about 2,000 runs. */
export function binomialTolerance(p: number, trials: number): number {
  return 3.5 * sqrt((p * (1 - p)) / trials);
}
