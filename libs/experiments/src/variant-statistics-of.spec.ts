import { sampleCovariance, sampleVariance } from 'simple-statistics';
import { centredCross, summarize } from './sample-summary';
import { variantStatisticsOf } from './variant-statistics-of';

const rows = [
  { converted: true, revenue: 30, preExposureSpend: 12, day: '2026-01-01' },
  { converted: false, revenue: 0, preExposureSpend: 0, day: '2026-01-01' },
  { converted: true, revenue: 55.5, preExposureSpend: 40, day: '2026-01-02' },
  { converted: false, revenue: 0, preExposureSpend: 7.25, day: '2026-01-03' },
];

describe(variantStatisticsOf.name, () => {
  it('gives the sums from which the per-user mean, variance and covariance follow', () => {
    const v = variantStatisticsOf('a', rows);
    const revenue = rows.map((r) => r.revenue);
    const spend = rows.map((r) => r.preExposureSpend);
    expect(v).toMatchObject({ variant: 'a', users: 4, converters: 2, revenueSum: 85.5 });
    expect(summarize(v, 'revenue').variance).toBeCloseTo(sampleVariance(revenue), 12);
    const covariate = v.covariate;
    expect(covariate).toBeDefined();
    expect(
      centredCross(covariate?.revenueCrossSum ?? 0, covariate?.sum ?? 0, v.revenueSum, 4) / 3,
    ).toBeCloseTo(sampleCovariance(spend, revenue), 12);
    expect(covariate?.converterCrossSum).toBe(52);
  });

  it('gives the cumulative totals at the end of each day asked for', () => {
    const v = variantStatisticsOf('a', rows, ['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(v.daily?.map((d) => [d.day, d.users, d.converters, d.revenueSum])).toEqual([
      ['2026-01-01', 2, 1, 30],
      ['2026-01-02', 3, 2, 85.5],
      ['2026-01-03', 4, 2, 85.5],
    ]);
  });

  it('leaves out the covariate when a user has no pre-exposure spend', () => {
    expect(
      variantStatisticsOf('a', [...rows, { converted: false, revenue: 0 }]).covariate,
    ).toBeUndefined();
  });
});
