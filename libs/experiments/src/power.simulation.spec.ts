import { minimumDetectableEffect } from './power';
import { summarize } from './sample-summary';
import { binomialTolerance, revenueSd, SimulatedShop } from './testing/simulated-shop';
import { twoProportionZTest } from './two-proportion-z-test';
import { welchTTest } from './welch-t-test';

const ALPHA = 0.05;
const POWER = 0.8;
const TESTS = 1000;
const USERS = 3000;

describe(minimumDetectableEffect.name, () => {
  it('predicts the share of tests that detect a planted lift of one MDE', () => {
    const shop = new SimulatedShop(20260403);
    const control = { conversionRate: 0.1 };
    const d = minimumDetectableEffect(USERS, USERS, ALPHA, POWER);
    // Cohen's h for the rate, Cohen's d for revenue, as the analysis reports its MDEs.
    const treatedRate = Math.sin(Math.asin(Math.sqrt(control.conversionRate)) + d / 2) ** 2;
    const onConversion = { conversionRate: treatedRate };
    const onRevenue = { ...control, revenueShift: d * revenueSd(control) };

    let conversionDetected = 0;
    let revenueDetected = 0;
    for (let i = 0; i < TESTS; i++) {
      const a = shop.dailyVariant('A', control, USERS, 1);
      const b = shop.dailyVariant('B', onConversion, USERS, 1);
      if (twoProportionZTest(a, b, ALPHA).pValue < ALPHA) conversionDetected++;
      const c = shop.dailyVariant('A', control, USERS, 1);
      const t = shop.dailyVariant('B', onRevenue, USERS, 1);
      const welch = welchTTest(summarize(c, 'revenue'), summarize(t, 'revenue'), ALPHA);
      if (welch.pValue < ALPHA) revenueDetected++;
    }
    const tolerance = binomialTolerance(POWER, TESTS);
    expect(Math.abs(conversionDetected / TESTS - POWER)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(revenueDetected / TESTS - POWER)).toBeLessThanOrEqual(tolerance);
  });
});
