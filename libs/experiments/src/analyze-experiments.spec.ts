import { analyzeExperiment, analyzeExperiments } from './analyze-experiments';
import type { Comparison } from './experiment-analysis';
import { adjustPValues } from './multiple-testing';
import { experimentOf, variantOf } from './testing/experiment-factory';

const first = (comparisons: readonly Comparison[]) => comparisons[0] as Comparison;

describe(analyzeExperiments.name, () => {
  it('adjusts p-values across every comparison of every test given, per metric', () => {
    const tests = [
      experimentOf({ testId: 'T-1' }),
      experimentOf({
        testId: 'T-2',
        variants: [
          variantOf('control', 5000, 500),
          variantOf('B', 5000, 560),
          variantOf('C', 5000, 505),
        ],
      }),
    ];
    const results = analyzeExperiments(tests);
    const comparisons = results.flatMap((r) => r.comparisons);
    const raw = comparisons.map((c) => c.conversion.test.pValue);
    expect(comparisons.map((c) => c.conversion.test.adjustedPValue.holm)).toEqual(
      adjustPValues(raw, 'holm'),
    );
    expect(comparisons.map((c) => c.conversion.test.adjustedPValue.bh)).toEqual(
      adjustPValues(raw, 'bh'),
    );
  });

  it('analyses one test as a family of its own comparisons', () => {
    const input = experimentOf();
    expect(analyzeExperiment(input)).toEqual(analyzeExperiments([input])[0]);
    const single = first(analyzeExperiment(input).comparisons).revenue.test;
    expect(single.adjustedPValue).toEqual({ holm: single.pValue, bh: single.pValue });
  });

  it('reads a test once, labelled total, without a daily series, and once a day with one', () => {
    expect(
      first(analyzeExperiment(experimentOf()).comparisons).conversion.sequential,
    ).toMatchObject({
      looks: 1,
    });
    const day = (users: number, converters: number, d: string) => ({
      ...variantOf('x', users, converters),
      day: d,
    });
    const withDays = analyzeExperiment(
      experimentOf({
        variants: [
          {
            ...variantOf('control', 4000, 400),
            daily: [day(2000, 200, '2026-01-01'), day(4000, 400, '2026-01-02')],
          },
          {
            ...variantOf('treatment', 4000, 600),
            daily: [day(2000, 300, '2026-01-01'), day(4000, 600, '2026-01-02')],
          },
        ],
      }),
    );
    expect(first(withDays.comparisons).conversion.sequential).toMatchObject({
      looks: 2,
      firstSignificantLook: '2026-01-01',
    });
    expect(withDays.verdict).toMatchObject({ decision: 'ship', winner: 'treatment' });
  });

  it('splits alpha over the treatments for the intervals the verdict reads', () => {
    const three = analyzeExperiment(
      experimentOf({
        variants: [
          variantOf('control', 1000, 100),
          variantOf('B', 1000, 110),
          variantOf('C', 1000, 90),
        ],
      }),
      { alpha: 0.1 },
    );
    expect(three.comparisons.map((c) => c.conversion.sequential.alpha)).toEqual([0.05, 0.05]);
    expect(three.alpha).toBe(0.1);
  });

  it('reports no relative lift when the control has nothing to be relative to', () => {
    const r = analyzeExperiment(
      experimentOf({ variants: [variantOf('control', 500, 0), variantOf('treatment', 500, 4)] }),
    );
    const conversion = first(r.comparisons).conversion;
    expect(conversion).toMatchObject({ relativeLift: null, relativeInterval: null });
    expect(conversion.mde.relative).toBeNull();
    expect(r.comparisons[0]?.revenue.relativeLift).toBeNull();
  });

  it('normalises the planned split', () => {
    const r = analyzeExperiment(
      experimentOf({
        plannedSplit: { control: 3, treatment: 1 },
        variants: [variantOf('control', 7500, 750), variantOf('treatment', 2500, 250)],
      }),
    );
    expect(r.variants.map((v) => v.plannedShare)).toEqual([0.75, 0.25]);
    expect(r.srm).toEqual({ statistic: 0, df: 1, pValue: 1 });
  });

  it('flags a split that contradicts the plan, with a p-value that 1 − cdf would round to 0', () => {
    const r = analyzeExperiment(
      experimentOf({
        variants: [variantOf('control', 6000, 600), variantOf('treatment', 4000, 400)],
      }),
    );
    expect(r.srm.statistic).toBeCloseTo(400, 9);
    expect(r.srm.pValue).toBeGreaterThan(0);
    expect(r.srm.pValue).toBeLessThan(1e-80);
    expect(r.verdict.decision).toBe('broken_srm');
  });
});
