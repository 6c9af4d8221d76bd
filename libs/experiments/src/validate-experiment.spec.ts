import { AmatoError } from '@amato/common';
import { analyzeExperiments } from './analyze-experiments';
import type { ExperimentInput, VariantStatistics } from './experiment-input';
import { ExperimentInputError } from './experiment-input-error';
import { experimentOf, variantOf } from './testing/experiment-factory';
import { validateExperiment } from './validate-experiment';

function problemOf(input: unknown): ExperimentInputError {
  try {
    validateExperiment(input as ExperimentInput);
  } catch (err) {
    if (err instanceof ExperimentInputError) return err;
    throw err;
  }
  throw new Error('expected the input to be rejected');
}

// The input may come from JSON, so changes may break its declared types.
const withTreatment = (changes: Record<string, unknown>) =>
  experimentOf({
    variants: [
      variantOf('control', 1000, 100),
      { ...variantOf('treatment', 1000, 120), ...changes },
    ],
  });

const daily = (users: number, converters: number, day: string) => ({
  ...variantOf('x', users, converters),
  day,
});

describe(validateExperiment.name, () => {
  it('accepts a consistent test', () => {
    expect(() => {
      validateExperiment(experimentOf());
    }).not.toThrow();
  });

  it.each([
    ['a negative count', withTreatment({ users: -5 }), 'treatment', 'users', /whole number/],
    ['a fractional count', withTreatment({ converters: 1.5 }), 'treatment', 'converters', /whole/],
    [
      'more converters than users',
      withTreatment({ converters: 1001 }),
      'treatment',
      'converters',
      /must not exceed users \(1000\)/,
    ],
    [
      'a NaN',
      withTreatment({ revenueSum: NaN }),
      'treatment',
      'revenueSum',
      /finite number, got NaN/,
    ],
    [
      'a string for a number',
      withTreatment({ users: '1000' }),
      'treatment',
      'users',
      /finite number, got "1000"/,
    ],
    [
      'a negative sum of squares',
      withTreatment({ revenueSumOfSquares: -1 }),
      'treatment',
      'revenueSumOfSquares',
      /negative/,
    ],
    [
      'squares too small for the sum',
      withTreatment({ revenueSum: 1000, revenueSumOfSquares: 10 }),
      'treatment',
      'revenueSumOfSquares',
      /cannot come from the same users/,
    ],
    [
      'a variant of one user',
      withTreatment({ users: 1, converters: 0, revenueSum: 0, revenueSumOfSquares: 0 }),
      'treatment',
      'users',
      /at least 2/,
    ],
  ])('rejects %s, naming the test, variant and field', (_what, input, variant, field, message) => {
    const err = problemOf(input);
    expect(err.location).toEqual({ testId: 'T-1', variant, field });
    expect(err.message).toMatch(/^test "T-1", variant "treatment", field /);
    expect(err.message).toMatch(message);
  });

  it('rejects a test that is not an object', () => {
    expect(problemOf(null).message).toBe('field (test): must be an object, got null');
  });

  it('rejects a variant that is not an object', () => {
    expect(
      problemOf(experimentOf({ variants: [variantOf('control', 10, 1), null as never] })).location,
    ).toEqual({
      testId: 'T-1',
      variant: null,
      field: 'variants[1]',
    });
  });

  it('rejects fewer than 2 variants', () => {
    const err = problemOf(experimentOf({ variants: [variantOf('control', 10, 1)] }));
    expect(err.location).toEqual({ testId: 'T-1', variant: null, field: 'variants' });
    expect(err.message).toBe(
      'test "T-1", field variants: needs at least 2 variants (a control and a treatment), got 1',
    );
  });

  it('rejects a control that is not a variant, listing the variants', () => {
    const err = problemOf(experimentOf({ control: 'baseline' }));
    expect(err.location.field).toBe('control');
    expect(err.message).toMatch(/one of the variants \(control, treatment\), got "baseline"/);
  });

  it('rejects a variant named twice, a missing test id and an unknown primary metric', () => {
    const twice = experimentOf({
      variants: [variantOf('a', 10, 1), variantOf('a', 10, 1)],
      control: 'a',
    });
    expect(problemOf(twice).message).toMatch(/variant "a", field variant: appears more than once/);
    expect(problemOf({ ...experimentOf(), testId: '' }).location).toEqual({
      testId: null,
      variant: null,
      field: 'testId',
    });
    expect(problemOf({ ...experimentOf(), primaryMetric: 'clicks' }).location.field).toBe(
      'primaryMetric',
    );
  });

  it('rejects a planned split that misses a variant, names another or has a weight ≤ 0', () => {
    expect(problemOf(experimentOf({ plannedSplit: { control: 1 } })).location).toMatchObject({
      variant: 'treatment',
      field: 'plannedSplit.treatment',
    });
    expect(
      problemOf(experimentOf({ plannedSplit: { control: 1, treatment: 1, other: 1 } })).message,
    ).toMatch(/variant "other", field plannedSplit: is not a variant of the test/);
    expect(problemOf(experimentOf({ plannedSplit: { control: 1, treatment: 0 } })).message).toMatch(
      /positive weight/,
    );
  });

  it('rejects a covariate given to some variants only', () => {
    const covariate = { sum: 10, sumOfSquares: 100, revenueCrossSum: 5 };
    const err = problemOf(
      experimentOf({
        variants: [{ ...variantOf('control', 10, 1), covariate }, variantOf('treatment', 10, 1)],
      }),
    );
    expect(err.location).toEqual({ testId: 'T-1', variant: 'treatment', field: 'covariate' });
  });

  it('rejects a daily series that is not cumulative, has other days, or does not end at the totals', () => {
    const control = {
      ...variantOf('control', 20, 2),
      daily: [daily(10, 1, '2026-01-01'), daily(20, 2, '2026-01-02')],
    };
    const treatment = (series: unknown[]) => ({ ...variantOf('treatment', 20, 2), daily: series });
    const test = (series: unknown[]) =>
      problemOf(experimentOf({ variants: [control, treatment(series) as VariantStatistics] }));

    expect(test([daily(15, 2, '2026-01-01'), daily(12, 2, '2026-01-02')]).message).toMatch(
      /variant "treatment", field daily\[1\]\.users: \(12\) is below the day before \(15\)/,
    );
    expect(test([daily(10, 1, '2026-01-01'), daily(20, 2, '2026-01-03')]).location.field).toBe(
      'daily[1].day',
    );
    expect(test([daily(10, 1, '2026-01-01')]).message).toMatch(
      /has 1 days, variant "control" has 2/,
    );
    expect(test([daily(10, 1, '2026-01-01'), daily(19, 2, '2026-01-02')]).message).toMatch(
      /daily\[1\]\.users: \(19\) must equal the totals' users \(20\)/,
    );
  });

  it('is what analyzeExperiments throws, a coded AmatoError that retrying cannot fix', () => {
    const act = () => analyzeExperiments([experimentOf(), withTreatment({ converters: -1 })]);
    expect(act).toThrow(ExperimentInputError);
    try {
      act();
    } catch (err) {
      expect(err).toBeInstanceOf(AmatoError);
      expect(err).toMatchObject({ code: 'EXPERIMENT_INPUT_INVALID', retriable: false });
    }
  });

  it('rejects options outside their range', () => {
    expect(() => analyzeExperiments([experimentOf()], { alpha: 1.5 })).toThrow(
      /field options\.alpha: must be a number strictly between 0 and 1, got 1\.5/,
    );
    expect(() => analyzeExperiments([experimentOf()], { msprtTau: 0 })).toThrow(
      /options\.msprtTau/,
    );
  });
});
