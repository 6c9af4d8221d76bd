import { betaBinomialComparison, probabilityGreater } from './beta-binomial';

describe(probabilityGreater.name, () => {
  it('makes P(Y > X) and P(X > Y) sum to 1, though each takes a different sum', () => {
    // Low rates sum over the converters; high rates over the non-converters.
    for (const [x, y] of [
      [
        { a: 31, b: 970 },
        { a: 46, b: 955 },
      ],
      [
        { a: 970, b: 31 },
        { a: 955, b: 46 },
      ],
    ] as const) {
      expect(probabilityGreater(x, y) + probabilityGreater(y, x)).toBeCloseTo(1, 12);
    }
  });

  it('is 1/2 for identical distributions', () => {
    expect(probabilityGreater({ a: 12, b: 300 }, { a: 12, b: 300 })).toBeCloseTo(0.5, 12);
  });

  it('handles a test of millions of users in well under a second', () => {
    const started = performance.now();
    const p = probabilityGreater({ a: 300_001, b: 4_700_001 }, { a: 301_501, b: 4_698_501 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(p).toBeGreaterThan(0.97);
    expect(p).toBeLessThan(0.99);
  });
});

describe(betaBinomialComparison.name, () => {
  it('has losses whose difference is the expected lift, as E[max(d, 0)] − E[max(−d, 0)] = E[d]', () => {
    const control = { users: 2000, converters: 190 };
    const treatment = { users: 2100, converters: 230 };
    const r = betaBinomialComparison(control, treatment);
    const mean = (c: typeof control) => (c.converters + 1) / (c.users + 2);
    expect(r.expectedLossIfKept - r.expectedLossIfShipped).toBeCloseTo(
      mean(treatment) - mean(control),
      12,
    );
  });

  it('keeps a tiny loss accurate instead of rounding it to 0 or below', () => {
    const r = betaBinomialComparison(
      { users: 10_000, converters: 500 },
      { users: 10_000, converters: 800 },
    );
    expect(r.chanceToBeatControl).toBeGreaterThan(1 - 1e-12);
    expect(r.expectedLossIfShipped).toBeGreaterThan(0);
    expect(r.expectedLossIfShipped).toBeLessThan(1e-15);
  });
});
