import { Random } from './random';

describe(Random.name, () => {
  it.each([0.5, 4, 25, 30.5, 200])('draws Poisson counts of mean and variance %s', (lambda) => {
    const random = new Random(3);
    const n = 20_000;
    const draws = Array.from({ length: n }, () => random.poisson(lambda));
    const mean = draws.reduce((a, b) => a + b, 0) / n;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(draws.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    // Five standard errors of the mean; the variance within 10%.
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    expect(variance / lambda).toBeGreaterThan(0.9);
    expect(variance / lambda).toBeLessThan(1.1);
  });

  it('draws nothing for a mean of zero or less', () => {
    const random = new Random(3);
    expect([0, -1, Number.NaN].map((l) => random.poisson(l))).toEqual([0, 0, 0]);
  });
});
