import { analyzeExperiment } from './analyze-experiments';
import type { Comparison } from './experiment-analysis';
import { binomialTolerance, SimulatedShop } from './testing/simulated-shop';

const ALPHA = 0.05;
const TESTS = 1000;
const USERS = 2000;

describe(analyzeExperiment.name, () => {
  it('rejects about alpha of A/A tests with each fixed-horizon test when nothing differs', () => {
    const shop = new SimulatedShop(20260401);
    const model = { conversionRate: 0.1 };
    const rejections = { zTest: 0, welch: 0, cupedConversion: 0, cupedRevenue: 0, srm: 0 };
    let varianceReduction = 0;
    for (let i = 0; i < TESTS; i++) {
      // Users are assigned one by one, so the split itself varies as it does in a real test.
      const usersA = shop.assign(USERS, 0.5);
      const analysis = analyzeExperiment(
        {
          testId: `AA-${i}`,
          control: 'A',
          variants: [
            shop.variantWithCovariate('A', model, usersA),
            shop.variantWithCovariate('B', model, USERS - usersA),
          ],
        },
        { alpha: ALPHA },
      );
      const c = analysis.comparisons[0] as Comparison;
      if (c.conversion.test.pValue < ALPHA) rejections.zTest++;
      if (c.revenue.test.pValue < ALPHA) rejections.welch++;
      if ((c.conversion.cuped?.pValue ?? 1) < ALPHA) rejections.cupedConversion++;
      if ((c.revenue.cuped?.pValue ?? 1) < ALPHA) rejections.cupedRevenue++;
      if (analysis.srm.pValue < ALPHA) rejections.srm++;
      varianceReduction += (c.revenue.cuped?.varianceReduction ?? 0) / TESTS;
    }
    const tolerance = binomialTolerance(ALPHA, TESTS);
    const outside = Object.entries(rejections)
      .map(([test, count]) => ({ test, rate: count / TESTS }))
      .filter(({ rate }) => Math.abs(rate - ALPHA) > tolerance);
    expect(outside).toEqual([]);
    // CUPED's rate means something only if the covariate did remove variance.
    expect(varianceReduction).toBeGreaterThan(0.1);
  });
});
