import { analyzeExperiments, variantStatisticsOf } from '@amato/experiments';
import {
  experimentRows,
  prepareExperiments,
  type DailyStatsRow,
  type ExperimentTestRow,
  type VariantStatsRow,
} from './experiment-inputs';
import { formatExperimentReport, type ExperimentListing } from './experiment-report';

const aTest = (over: Partial<ExperimentTestRow> = {}): ExperimentTestRow => ({
  test_id: 'TEST_0001',
  test_name: 'Bold button test',
  metric: 'conversion_rate',
  primary_metric: 'conversion',
  traffic_split: 0.5,
  true_lift: 0.1,
  start_date: '2025-06-01',
  end_date: '2025-06-02',
  observed_until: '2025-06-03 00:00:00.000',
  ...over,
});

/** A variant's stats row from per-user rows, as the SQL would sum them. */
function variantRow(
  testId: string,
  variant: string,
  users: readonly { converted: boolean; revenue: number; preSpend: number }[],
): VariantStatsRow {
  const sum = (f: (u: (typeof users)[number]) => number) => users.reduce((s, u) => s + f(u), 0);
  return {
    test_id: testId,
    variant,
    users: users.length,
    converters: users.filter((u) => u.converted).length,
    revenue_sum: sum((u) => u.revenue),
    revenue_sum_of_squares: sum((u) => u.revenue ** 2),
    covariate_sum: sum((u) => u.preSpend),
    covariate_sum_of_squares: sum((u) => u.preSpend ** 2),
    covariate_revenue_cross_sum: sum((u) => u.preSpend * u.revenue),
    covariate_converter_cross_sum: sum((u) => (u.converted ? u.preSpend : 0)),
  };
}

const users = (n: number, converting: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ({
    converted: i < converting,
    revenue: i < converting ? 20 + ((i * 7 + seed) % 13) : 0,
    preSpend: (i * 11 + seed) % 17,
  }));

const dailyOf = (row: VariantStatsRow, days: readonly string[]): DailyStatsRow[] =>
  days.map((day, i) => {
    const last = i === days.length - 1;
    return {
      test_id: row.test_id,
      variant: row.variant,
      day,
      users: last ? row.users : Math.floor(row.users / 2),
      converters: last ? row.converters : Math.floor(row.converters / 2),
      revenue_sum: last ? row.revenue_sum : row.revenue_sum / 4,
      revenue_sum_of_squares: last ? row.revenue_sum_of_squares : row.revenue_sum_of_squares / 4,
    };
  });

describe('prepareExperiments', () => {
  const control = variantRow('TEST_0001', 'control', users(200, 20, 1));
  const treatment = variantRow('TEST_0001', 'treatment', users(210, 30, 2));

  it('builds the engine input: control first, planned split, metric, covariate, daily looks', () => {
    const daily = [
      ...dailyOf(treatment, ['2025-06-01', '2025-06-02']),
      ...dailyOf(control, ['2025-06-01', '2025-06-02']).reverse(),
    ];
    const [prepared] = prepareExperiments(
      [aTest({ traffic_split: 0.3 })],
      [treatment, control],
      daily,
    );
    expect(prepared?.error).toBeNull();
    expect(prepared?.users).toBe(410);
    const input = prepared?.input;
    expect(input?.control).toBe('control');
    expect(input?.variants.map((v) => v.variant)).toEqual(['control', 'treatment']);
    expect(input?.plannedSplit).toEqual({ control: 0.7, treatment: 0.3 });
    expect(input?.primaryMetric).toBe('conversion');
    expect(input?.variants[1]?.covariate).toEqual({
      sum: treatment.covariate_sum,
      sumOfSquares: treatment.covariate_sum_of_squares,
      revenueCrossSum: treatment.covariate_revenue_cross_sum,
      converterCrossSum: treatment.covariate_converter_cross_sum,
    });
    expect(input?.variants[0]?.daily?.map((d) => d.day)).toEqual(['2025-06-01', '2025-06-02']);
    expect(input?.variants[0]?.daily?.[1]).toMatchObject({ users: 200, converters: 20 });
  });

  it('gives the engine the same sums as its own from the users’ rows', () => {
    const [prepared] = prepareExperiments([aTest()], [control, treatment], []);
    const own = variantStatisticsOf('control', users(200, 20, 1));
    const mine = prepared?.input?.variants[0];
    expect(mine?.users).toBe(own.users);
    expect(mine?.converters).toBe(own.converters);
    expect(mine?.revenueSum).toBeCloseTo(own.revenueSum, 9);
    expect(mine?.revenueSumOfSquares).toBeCloseTo(own.revenueSumOfSquares, 6);
  });

  it('takes revenue as primary for revenue_per_visitor, conversion for the others', () => {
    const revenue = prepareExperiments(
      [aTest({ primary_metric: 'revenue', metric: 'revenue_per_visitor' })],
      [control, treatment],
      [],
    );
    expect(revenue[0]?.input?.primaryMetric).toBe('revenue');
  });

  it('compares with the first variant when no variant is called control', () => {
    const a = { ...control, variant: 'A' };
    const b = { ...treatment, variant: 'B' };
    const [prepared] = prepareExperiments([aTest()], [b, a], []);
    expect(prepared?.input?.control).toBe('A');
    expect(prepared?.input?.plannedSplit).toEqual({ A: 0.5, B: 0.5 });
  });

  it('splits the treatment share among several treatments', () => {
    const third = variantRow('TEST_0001', 'treatment_b', users(100, 10, 3));
    const [prepared] = prepareExperiments(
      [aTest({ traffic_split: 0.5 })],
      [control, treatment, third],
      [],
    );
    expect(prepared?.input?.plannedSplit).toEqual({
      control: 0.5,
      treatment: 0.25,
      treatment_b: 0.25,
    });
  });

  it('keeps a test the engine refuses, with the engine’s reason, and its users', () => {
    const lonely = variantRow('TEST_0002', 'treatment', users(1, 0, 4));
    const prepared = prepareExperiments(
      [aTest({ test_id: 'TEST_0002' }), aTest({ test_id: 'TEST_0003' })],
      [variantRow('TEST_0002', 'control', users(5, 1, 1)), lonely],
      [],
    );
    expect(prepared.map((p) => p.test.test_id)).toEqual(['TEST_0002', 'TEST_0003']);
    expect(prepared[0]).toMatchObject({ input: null, users: 6 });
    expect(prepared[0]?.error).toMatch(
      /test "TEST_0002", variant "treatment", field users: must be at least 2/,
    );
    // No variants at all: the engine's message says so.
    expect(prepared[1]?.error).toMatch(/needs at least 2 variants/);
  });
});

describe('experimentRows and the report', () => {
  const tests = [
    aTest({ test_id: 'TEST_0001', true_lift: 0.2 }),
    aTest({ test_id: 'TEST_0002', true_lift: 0 }),
    aTest({ test_id: 'TEST_0003', true_lift: 0.1 }),
  ];
  const stats = [
    variantRow('TEST_0001', 'control', users(4000, 400, 1)),
    variantRow('TEST_0001', 'treatment', users(4000, 600, 2)),
    variantRow('TEST_0002', 'control', users(300, 30, 3)),
    variantRow('TEST_0002', 'treatment', users(300, 31, 4)),
    variantRow('TEST_0003', 'control', users(1, 0, 5)),
    variantRow('TEST_0003', 'treatment', users(3, 1, 6)),
  ];
  const prepared = prepareExperiments(tests, stats, []);
  const analyses = analyzeExperiments(prepared.flatMap((p) => (p.input ? [p.input] : [])));
  const { results, comparisons } = experimentRows(prepared, analyses);

  it('has a result per test, analysed or not, and two metrics per treatment', () => {
    expect(results.map((r) => [r.test_id, r.decision])).toEqual([
      ['TEST_0001', 'ship'],
      ['TEST_0002', 'keep_running'],
      ['TEST_0003', null],
    ]);
    expect(results[2]?.reason).toMatch(/^not analysed: test "TEST_0003", variant "control"/);
    expect(results[2]).toMatchObject({ users: 4, analysis: null, srm_p_value: null });
    expect(comparisons.map((c) => `${c.test_id}/${c.metric}`)).toEqual([
      'TEST_0001/conversion',
      'TEST_0001/revenue',
      'TEST_0002/conversion',
      'TEST_0002/revenue',
    ]);
  });

  it('flattens each comparison faithfully, unbounded interval ends as null', () => {
    const analysis = analyses[0];
    const conversion = analysis?.comparisons[0]?.conversion;
    const row = comparisons[0];
    expect(row).toMatchObject({
      treatment: 'treatment',
      control_value: 0.1,
      treatment_value: 0.15,
      absolute_lift: conversion?.absoluteLift,
      p_value: conversion?.test.pValue,
      p_value_holm: conversion?.test.adjustedPValue.holm,
      sequential_lower: conversion?.sequential.interval.lower,
      cuped_variance_reduction: conversion?.cuped?.varianceReduction,
      mde_relative: conversion?.mde.relative,
    });
    expect(row?.relative_lift).toBeCloseTo(0.5, 12);
    for (const c of comparisons) {
      for (const value of Object.values(c)) {
        if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
      }
    }
  });

  it('prints a table naming the planted lifts and how the verdicts compare with them', () => {
    const listing: ExperimentListing[] = results.map((r) => ({
      ...r,
      lifts: comparisons
        .filter((c) => c.test_id === r.test_id)
        .map((c) => ({
          treatment: c.treatment,
          metric: c.metric,
          control: c.control_value,
          value: c.treatment_value,
          relativeLift: c.relative_lift,
          intervalLower: c.sequential_lower,
          intervalUpper: c.sequential_upper,
          pValue: c.p_value,
          chanceToBeatControl: c.chance_to_beat_control,
          mdeRelative: c.mde_relative,
        })),
    }));
    const report = formatExperimentReport(listing);
    const lines = report.split('\n');
    expect(lines[0]).toMatch(/^test\s+primary\s+users\s+lift\s+always-valid interval/);
    expect(lines[1]).toMatch(/^TEST_0001\s+conversion\s+8,000\s+\+50\.0%.*ship\s+\+20\.0%$/);
    expect(lines[2]).toMatch(/^TEST_0002 .*keep_running\s+\+0\.0%$/);
    expect(lines[3]).toMatch(/^TEST_0003 .*not analysed\s+\+10\.0%$/);
    expect(report).toContain('TEST_0003: not analysed: test "TEST_0003"');
    expect(lines.at(-1)).toBe(
      'planted lift: TEST_0001, TEST_0003; shipped 1 of 2 · no lift planted: shipped 0 of 1',
    );
  });
});
