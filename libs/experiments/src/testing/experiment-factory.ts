import type { ExperimentInput, VariantStatistics } from '../experiment-input';

/**
 * A variant whose revenue is `basket` per converter, 0 otherwise: sums that are consistent
 * by construction, for tests that care about counts.
 */
export function variantOf(
  variant: string,
  users: number,
  converters: number,
  basket = 40,
): VariantStatistics {
  return {
    variant,
    users,
    converters,
    revenueSum: converters * basket,
    revenueSumOfSquares: converters * basket * basket,
  };
}

/** A two-variant test, control 'control', with overrides. */
export function experimentOf(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    testId: 'T-1',
    control: 'control',
    variants: [variantOf('control', 1000, 100), variantOf('treatment', 1000, 120)],
    ...overrides,
  };
}
