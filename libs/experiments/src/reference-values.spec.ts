import { analyzeExperiments } from './analyze-experiments';
import { betaBinomialComparison } from './beta-binomial';
import type { ExperimentInput } from './experiment-input';
import type { MetricComparison } from './experiment-analysis';
import type { Interval } from './interval';
import { adjustPValues } from './multiple-testing';
import { minimumDetectableEffect, requiredUsers, statisticalPower } from './power';
import reference from './reference-values.json';

/**
 * The engine against values computed independently with scipy and statsmodels by
 * ml/reference/experiments_reference.py (its docstring says how to regenerate them).
 */

type Pair = readonly [number, number];

interface ExpectedMetric {
  control: number;
  treatment: number;
  absoluteLift: number;
  absoluteInterval: Pair;
  relativeLift: number;
  relativeInterval: Pair;
  statistic: number;
  pValue: number;
  df?: number;
  bayesian: {
    chanceToBeatControl: number;
    expectedLossIfShipped: number;
    expectedLossIfKept: number;
  };
  sequential: {
    interval: Pair;
    lastInterval: Pair;
    alwaysValidPValue: number;
    looks: number;
    firstSignificantLook: string | null;
  };
  mde: { absolute: number; relative: number };
  cuped?: {
    theta: number;
    absoluteLift: number;
    absoluteInterval: Pair;
    relativeLift: number;
    relativeInterval: Pair;
    pValue: number;
    df: number;
    varianceReduction: number;
  };
  adjustedPValue: { holm: number; bh: number };
}

interface ExpectedExperiment {
  input: ExperimentInput;
  expected: {
    srm: { statistic: number; pValue: number; df: number };
    variants: {
      variant: string;
      users: number;
      conversionRate: number;
      revenueMean: number;
      revenueSd: number;
    }[];
    comparisons: { treatment: string; conversion: ExpectedMetric; revenue: ExpectedMetric }[];
    verdict: { decision: string; winner: string | null };
  };
}

const RELATIVE = 1e-6;
// Probabilities and losses near 0 are compared absolutely: a relative error of a p-value of
// 1e-15 says nothing about the engine.
const ABSOLUTE = 1e-12;

function expectNear(actual: number | null | undefined, expected: number, what: string): void {
  const tolerance = Math.max(ABSOLUTE, RELATIVE * Math.abs(expected));
  if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what}: got ${String(actual)}, expected ${expected} (± ${tolerance})`);
  }
}

function expectInterval(actual: Interval | null, expected: Pair, what: string): void {
  expectNear(actual?.lower, expected[0], `${what}.lower`);
  expectNear(actual?.upper, expected[1], `${what}.upper`);
}

function expectMetric(actual: MetricComparison, expected: ExpectedMetric, what: string): void {
  expectNear(actual.control, expected.control, `${what}.control`);
  expectNear(actual.treatment, expected.treatment, `${what}.treatment`);
  expectNear(actual.absoluteLift, expected.absoluteLift, `${what}.absoluteLift`);
  expectInterval(actual.absoluteInterval, expected.absoluteInterval, `${what}.absoluteInterval`);
  expectNear(actual.relativeLift, expected.relativeLift, `${what}.relativeLift`);
  expectInterval(actual.relativeInterval, expected.relativeInterval, `${what}.relativeInterval`);
  expectNear(actual.test.statistic, expected.statistic, `${what}.statistic`);
  expectNear(actual.test.pValue, expected.pValue, `${what}.pValue`);
  if (expected.df !== undefined) expectNear(actual.test.df, expected.df, `${what}.df`);
  expectNear(actual.test.adjustedPValue.holm, expected.adjustedPValue.holm, `${what}.holm`);
  expectNear(actual.test.adjustedPValue.bh, expected.adjustedPValue.bh, `${what}.bh`);
  for (const key of [
    'chanceToBeatControl',
    'expectedLossIfShipped',
    'expectedLossIfKept',
  ] as const) {
    expectNear(actual.bayesian[key], expected.bayesian[key], `${what}.bayesian.${key}`);
  }
  const seq = expected.sequential;
  expectInterval(actual.sequential.interval, seq.interval, `${what}.sequential.interval`);
  expectInterval(
    actual.sequential.lastInterval,
    seq.lastInterval,
    `${what}.sequential.lastInterval`,
  );
  expectNear(actual.sequential.alwaysValidPValue, seq.alwaysValidPValue, `${what}.sequential.p`);
  expect(actual.sequential.looks).toBe(seq.looks);
  expect(actual.sequential.firstSignificantLook).toBe(seq.firstSignificantLook);
  expectNear(actual.mde.absolute, expected.mde.absolute, `${what}.mde.absolute`);
  expectNear(actual.mde.relative, expected.mde.relative, `${what}.mde.relative`);
  if (expected.cuped === undefined) {
    expect(actual.cuped).toBeNull();
    return;
  }
  const cuped = actual.cuped;
  if (cuped === null) throw new Error(`${what}.cuped: missing`);
  for (const key of [
    'theta',
    'absoluteLift',
    'relativeLift',
    'pValue',
    'df',
    'varianceReduction',
  ] as const) {
    expectNear(cuped[key], expected.cuped[key], `${what}.cuped.${key}`);
  }
  expectInterval(
    cuped.absoluteInterval,
    expected.cuped.absoluteInterval,
    `${what}.cuped.absoluteInterval`,
  );
  expectInterval(
    cuped.relativeInterval,
    expected.cuped.relativeInterval,
    `${what}.cuped.relativeInterval`,
  );
}

const experiments = reference.experiments as unknown as ExpectedExperiment[];
const options = reference.options;

describe(analyzeExperiments.name, () => {
  // All at once, as the reference adjusts its p-values across every comparison of every case.
  const results = analyzeExperiments(
    experiments.map((e) => e.input),
    options,
  );

  it.each(experiments.map((e, i) => [e.input.testId, i] as const))(
    'matches the reference values for %s',
    (testId, i) => {
      const { expected } = experiments[i] as ExpectedExperiment;
      const actual = results[i];
      if (actual === undefined) throw new Error(`no result for ${testId}`);
      expectNear(actual.srm.statistic, expected.srm.statistic, 'srm.statistic');
      expectNear(actual.srm.pValue, expected.srm.pValue, 'srm.pValue');
      expect(actual.srm.df).toBe(expected.srm.df);
      expected.variants.forEach((variant, j) => {
        const summary = actual.variants[j];
        expect(summary?.variant).toBe(variant.variant);
        expect(summary?.users).toBe(variant.users);
        expectNear(summary?.conversionRate, variant.conversionRate, `${variant.variant}.rate`);
        expectNear(summary?.revenueMean, variant.revenueMean, `${variant.variant}.mean`);
        expectNear(summary?.revenueSd, variant.revenueSd, `${variant.variant}.sd`);
      });
      expect(actual.comparisons.map((c) => c.treatment)).toEqual(
        expected.comparisons.map((c) => c.treatment),
      );
      expected.comparisons.forEach((comparison, j) => {
        const got = actual.comparisons[j];
        if (got === undefined) throw new Error(`no comparison ${comparison.treatment}`);
        expectMetric(got.conversion, comparison.conversion, `${comparison.treatment}.conversion`);
        expectMetric(got.revenue, comparison.revenue, `${comparison.treatment}.revenue`);
      });
      expect({ decision: actual.verdict.decision, winner: actual.verdict.winner }).toEqual(
        expected.verdict,
      );
    },
  );
});

describe(betaBinomialComparison.name, () => {
  it.each(
    reference.betaBinomial.map(
      (c) =>
        [
          c.control.users,
          c.control.converters,
          c.treatment.users,
          c.treatment.converters,
          c,
        ] as const,
    ),
  )(
    'matches the closed form and quadrature of the reference for %i/%i against %i/%i',
    (_nc, _kc, _nt, _kt, expected) => {
      const actual = betaBinomialComparison(expected.control, expected.treatment);
      expectNear(actual.chanceToBeatControl, expected.chanceToBeatControl, 'chance');
      expectNear(actual.expectedLossIfShipped, expected.expectedLossIfShipped, 'lossIfShipped');
      expectNear(actual.expectedLossIfKept, expected.expectedLossIfKept, 'lossIfKept');
    },
  );
});

describe(adjustPValues.name, () => {
  it('matches statsmodels holm and fdr_bh, ties and order included', () => {
    for (const { pValues, holm, bh } of reference.multipleTesting) {
      adjustPValues(pValues, 'holm').forEach((p, i) => {
        expectNear(p, holm[i] as number, `holm[${i}]`);
      });
      adjustPValues(pValues, 'bh').forEach((p, i) => {
        expectNear(p, bh[i] as number, `bh[${i}]`);
      });
    }
  });
});

describe(statisticalPower.name, () => {
  it('matches NormalIndPower, both tails counted', () => {
    for (const c of reference.power) {
      expectNear(
        statisticalPower(c.effectSize, c.usersControl, c.usersTreatment, c.alpha),
        c.power,
        'power',
      );
    }
  });
});

describe(minimumDetectableEffect.name, () => {
  it('matches zt_ind_solve_power for the effect size', () => {
    for (const c of reference.minimumDetectableEffect) {
      expectNear(
        minimumDetectableEffect(c.usersControl, c.usersTreatment, c.alpha, c.power),
        c.effectSize,
        'mde',
      );
    }
  });
});

describe(requiredUsers.name, () => {
  it('matches zt_ind_solve_power for the sample size', () => {
    for (const c of reference.sampleSize) {
      expectNear(requiredUsers(c.effectSize, c.alpha, c.power), c.usersPerVariant, 'users');
    }
  });
});
