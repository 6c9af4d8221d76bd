import { compareCounts, headline } from './main';

describe("the main job's summary", () => {
  it.each([
    [{ metrics: { silhouette: 0.41234 } }, 'silhouette 0.412'],
    [{ metrics: { holdout: { model: { auc: 0.8123 } } } }, 'holdout ROC AUC 0.812'],
    [
      { metrics: { backtest: { improvement_pct: { mae: 35.52 } } } },
      "backtest MAE 35.5% below the seasonal-naive forecast's",
    ],
    [
      { metrics: { mae_improvement_over_last_90_days_pct: { gbt: 14.2, zero: -8.6 } } },
      'holdout MAE 14.2% below "the last 90 days again"',
    ],
    [
      {
        metrics: {
          backtest: { metrics: { response_curves: { roas: { mae_vs_baseline: 0.708 } } } },
        },
      },
      "ROAS MAE on held-out campaigns 70.8% below the channel's ROAS",
    ],
    [
      {
        metrics: {
          backtest: { metrics: { response_curves: { roas: { mae_vs_baseline: -2.922 } } } },
        },
      },
      "ROAS MAE on held-out campaigns 292.2% ABOVE (worse than) the channel's ROAS",
    ],
    [{ metrics: { something: 'else' } }, ''],
    [{}, ''],
  ])("names a model's headline figure from its metadata %j", (metadata, expected) => {
    expect(headline(metadata)).toBe(expected);
  });
});

describe('compareCounts', () => {
  it('puts each table beside the generated count and names those that differ', () => {
    const stored = { customers: 200, transactions: 1_000, sessions: 2_000 };
    const { lines, differing } = compareCounts(stored, {
      customers: 200,
      transactions: 999,
      sessions: 2_000,
    });
    expect(differing).toEqual(['transactions']);
    expect(lines.find((l) => l.includes('transactions'))).toMatch(/1,000 +999 +≠$/);
    expect(lines.find((l) => l.includes('customers'))).not.toMatch(/≠/);
    expect(lines).toContain('  MongoDB');
  });

  it('lists the stored counts alone when there is nothing to compare with', () => {
    const { lines, differing } = compareCounts({ customers: 5 }, undefined);
    expect(differing).toEqual([]);
    expect(lines.find((l) => l.includes('customers'))).toMatch(/customers +5$/);
  });
});
