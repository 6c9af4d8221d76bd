import {
  alwaysValidInterval,
  alwaysValidPValue,
  logMixtureLikelihoodRatio,
  mixtureLook,
  sequentialAnalysis,
} from './always-valid-interval';
import { zCritical } from './distributions';
import { variantOf } from './testing/experiment-factory';

const look = { diff: 0.02, variance: 0.0001, tau2: 0.0004 };

describe(alwaysValidInterval.name, () => {
  it('ends where the mixture likelihood ratio reaches 1/alpha', () => {
    const { lower, upper } = alwaysValidInterval(look, 0.05);
    expect(logMixtureLikelihoodRatio(look, lower)).toBeCloseTo(Math.log(20), 10);
    expect(logMixtureLikelihoodRatio(look, upper)).toBeCloseTo(Math.log(20), 10);
  });

  it('is wider than the fixed-horizon interval, the price of reading it at any time', () => {
    const { lower, upper } = alwaysValidInterval(look, 0.05);
    expect((upper - lower) / 2).toBeGreaterThan(zCritical(0.05) * Math.sqrt(look.variance));
  });

  it('excludes 0 exactly when the always-valid p-value is at most alpha', () => {
    for (const diff of [0.01, 0.03, 0.035, 0.04, 0.06]) {
      const at = { ...look, diff };
      const { lower } = alwaysValidInterval(at, 0.05);
      expect(lower > 0).toBe(alwaysValidPValue(at) < 0.05);
    }
  });
});

describe(mixtureLook.name, () => {
  it('has no look while a variant has no variance yet', () => {
    expect(
      mixtureLook(variantOf('a', 100, 0), variantOf('b', 100, 0), 'conversion', 0.05),
    ).toBeNull();
    expect(
      mixtureLook(variantOf('a', 1, 0), variantOf('b', 100, 5), 'conversion', 0.05),
    ).toBeNull();
  });

  it('scales the mixing variance with the metric, so tau is unit-free', () => {
    const cents = (v: ReturnType<typeof variantOf>) => ({
      ...v,
      revenueSum: v.revenueSum * 100,
      revenueSumOfSquares: v.revenueSumOfSquares * 10_000,
    });
    const a = variantOf('a', 500, 50);
    const b = variantOf('b', 500, 60);
    const euros = mixtureLook(a, b, 'revenue', 0.05);
    const inCents = mixtureLook(cents(a), cents(b), 'revenue', 0.05);
    expect(alwaysValidPValue(inCents ?? look)).toBeCloseTo(alwaysValidPValue(euros ?? look), 12);
  });
});

describe(sequentialAnalysis.name, () => {
  it('narrows the running interval monotonically and reports the first look that excludes 0', () => {
    const looks = [1, 2, 3, 4, 5, 6].map((day) => ({
      label: `day ${day}`,
      control: variantOf('a', 400 * day, 40 * day),
      treatment: variantOf('b', 400 * day, 52 * day),
    }));
    const all = sequentialAnalysis(looks, 'conversion', 0.05, 0.05);
    let width = Infinity;
    for (let n = 1; n <= looks.length; n++) {
      const { interval } = sequentialAnalysis(looks.slice(0, n), 'conversion', 0.05, 0.05);
      expect(interval.upper - interval.lower).toBeLessThanOrEqual(width);
      width = interval.upper - interval.lower;
    }
    expect(all.looks).toBe(6);
    expect(all.firstSignificantLook).not.toBeNull();
    const first = looks.findIndex((l) => l.label === all.firstSignificantLook);
    const before = sequentialAnalysis(looks.slice(0, first), 'conversion', 0.05, 0.05);
    expect(before.interval.lower).toBeLessThanOrEqual(0);
  });

  it('stays unbounded when no look has data yet', () => {
    const empty = variantOf('a', 0, 0);
    const r = sequentialAnalysis(
      [{ label: 'd', control: empty, treatment: empty }],
      'revenue',
      0.05,
      0.05,
    );
    expect(r.interval).toEqual({ lower: -Infinity, upper: Infinity });
    expect(r.alwaysValidPValue).toBe(1);
  });
});
