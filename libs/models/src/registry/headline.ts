/**
 * A model version's headline figure, from the metrics its training registered: what the
 * main job's summary and the dashboard's Models view show beside each version.
 */

/** An improvement in percent as words: "35.5% below" or, when it is worse, "12.0% ABOVE". */
export function versus(improvementPct: number): string {
  return improvementPct >= 0
    ? `${improvementPct.toFixed(1)}% below`
    : `${(-improvementPct).toFixed(1)}% ABOVE (worse than)`;
}

/** A model's headline figure from its registered metadata, when it has one. */
export function headline(metadata: Readonly<Record<string, unknown>>): string {
  const m = metadata.metrics as Record<string, unknown> | undefined;
  if (!m) return '';
  const pick = (path: string[]): unknown =>
    path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], m);
  const silhouette = pick(['silhouette']);
  if (typeof silhouette === 'number') return `silhouette ${silhouette.toFixed(3)}`;
  const auc = pick(['holdout', 'model', 'auc']);
  if (typeof auc === 'number') return `holdout ROC AUC ${auc.toFixed(3)}`;
  const forecast = pick(['backtest', 'improvement_pct', 'mae']);
  if (typeof forecast === 'number')
    return `backtest MAE ${versus(forecast)} the seasonal-naive forecast's`;
  const customer = pick(['mae_improvement_over_last_90_days_pct', 'gbt']);
  if (typeof customer === 'number')
    return `holdout MAE ${versus(customer)} "the last 90 days again"`;
  const curves = pick(['backtest', 'metrics', 'response_curves', 'roas', 'mae_vs_baseline']);
  if (typeof curves === 'number')
    return `ROAS MAE on held-out campaigns ${versus(curves * 100)} the channel's ROAS`;
  return '';
}
