import { cupedComparison } from './cuped';
import type { VariantStatistics } from './experiment-input';
import { SeededRandom } from './testing/seeded-random';
import { type ExposedUser, variantStatisticsOf } from './variant-statistics-of';

function users(random: SeededRandom, n: number, lift: number, noise: number): ExposedUser[] {
  return Array.from({ length: n }, () => {
    const preExposureSpend = random.normal(50, 20);
    const revenue = 10 + 0.8 * preExposureSpend + lift + random.normal(0, noise);
    return { converted: revenue > 40, revenue, preExposureSpend };
  });
}

describe(cupedComparison.name, () => {
  it('removes the variance the covariate explains and keeps the lift', () => {
    const random = new SeededRandom(7);
    const a = variantStatisticsOf('a', users(random, 4000, 0, 5));
    const b = variantStatisticsOf('b', users(random, 4000, 2, 5));
    const r = cupedComparison([a, b], a, b, 'revenue', 0.05);
    expect(r?.theta).toBeCloseTo(0.8, 1);
    // ρ² = 0.8²·20² / (0.8²·20² + 5²) ≈ 0.94.
    expect(r?.varianceReduction).toBeGreaterThan(0.9);
    expect(r?.absoluteLift).toBeCloseTo(2, 0);
    expect(r?.absoluteInterval.lower).toBeGreaterThan(0);
  });

  it('changes nothing when the covariate is constant', () => {
    const constant = (v: VariantStatistics): VariantStatistics => ({
      ...v,
      covariate: { sum: 3 * v.users, sumOfSquares: 9 * v.users, revenueCrossSum: 3 * v.revenueSum },
    });
    const random = new SeededRandom(8);
    const a = constant(variantStatisticsOf('a', users(random, 500, 0, 5)));
    const b = constant(variantStatisticsOf('b', users(random, 500, 1, 5)));
    const r = cupedComparison([a, b], a, b, 'revenue', 0.05);
    expect(r?.theta).toBe(0);
    expect(r?.varianceReduction).toBeCloseTo(0, 9);
    expect(r?.absoluteLift).toBeCloseTo(b.revenueSum / b.users - a.revenueSum / a.users, 9);
  });

  it('is null without a covariate, and for conversion without the x·converted sums', () => {
    const random = new SeededRandom(9);
    const a = variantStatisticsOf('a', users(random, 100, 0, 5));
    const b = variantStatisticsOf('b', users(random, 100, 0, 5));
    const { covariate: _dropped, ...bare } = a;
    expect(cupedComparison([bare, b], bare, b, 'revenue', 0.05)).toBeNull();
    const noConverter = (v: VariantStatistics): VariantStatistics => ({
      ...v,
      covariate: { sum: 1, sumOfSquares: 1, revenueCrossSum: 1 },
    });
    expect(
      cupedComparison(
        [noConverter(a), noConverter(b)],
        noConverter(a),
        noConverter(b),
        'conversion',
        0.05,
      ),
    ).toBeNull();
  });
});
