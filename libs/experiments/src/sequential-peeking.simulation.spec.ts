import { analyzeExperiment } from './analyze-experiments';
import { sequentialAnalysis } from './always-valid-interval';
import type { VariantStatistics } from './experiment-input';
import { summarize } from './sample-summary';
import { binomialTolerance, SimulatedShop } from './testing/simulated-shop';
import { twoProportionZTest } from './two-proportion-z-test';
import { welchTTest } from './welch-t-test';

const ALPHA = 0.05;
const TESTS = 1000;
const DAYS = 28;
const USERS_PER_DAY = 200;

describe(sequentialAnalysis.name, () => {
  it('keeps A/A false positives at or below alpha when read daily, where naive tests inflate them', () => {
    const shop = new SimulatedShop(20260402);
    const model = { conversionRate: 0.1 };
    let naiveZ = 0;
    let naiveWelch = 0;
    let validConversion = 0;
    let validRevenue = 0;
    for (let i = 0; i < TESTS; i++) {
      const a = shop.dailyVariant('A', model, USERS_PER_DAY, DAYS);
      const b = shop.dailyVariant('B', model, USERS_PER_DAY, DAYS);
      // Stopping at the first day a naive test says "significant" is what peeking does.
      const days = (v: VariantStatistics) => v.daily ?? [];
      const dayB = (d: number) => days(b)[d] ?? b;
      if (days(a).some((day, d) => twoProportionZTest(day, dayB(d), ALPHA).pValue < ALPHA))
        naiveZ++;
      if (
        days(a).some(
          (day, d) =>
            welchTTest(summarize(day, 'revenue'), summarize(dayB(d), 'revenue'), ALPHA).pValue <
            ALPHA,
        )
      ) {
        naiveWelch++;
      }
      const analysis = analyzeExperiment({ testId: `AA-${i}`, control: 'A', variants: [a, b] });
      const comparison = analysis.comparisons[0];
      if (comparison?.conversion.sequential.firstSignificantLook !== null) validConversion++;
      if (comparison?.revenue.sequential.firstSignificantLook !== null) validRevenue++;
    }
    const inflated = ALPHA + 2 * binomialTolerance(ALPHA, TESTS);
    expect({
      naiveZ: naiveZ / TESTS > inflated,
      naiveWelch: naiveWelch / TESTS > inflated,
    }).toEqual({
      naiveZ: true,
      naiveWelch: true,
    });
    expect(validConversion / TESTS).toBeLessThanOrEqual(ALPHA);
    expect(validRevenue / TESTS).toBeLessThanOrEqual(ALPHA);
  });
});
