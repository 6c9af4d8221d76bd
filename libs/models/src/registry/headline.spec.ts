import { headline } from './headline';

describe("a model version's headline", () => {
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
