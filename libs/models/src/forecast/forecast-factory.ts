import type { RevenueForecastArtifact } from './revenue-forecast';

/** For tests: a forecast of `days` days after 2026-01-01, each day a little more than the last. */
export function forecastArtifact(days = 90): RevenueForecastArtifact {
  return {
    format: 'amato.revenue-forecast.v1',
    cutoff: '2026-01-01',
    history: { from: '2024-01-02', to: '2026-01-01', days: 731 },
    model: { kind: 'sarimax', regressors: ['weekday', 'yearly', 'trend'] },
    levels: [80, 95],
    points: Array.from({ length: days }, (_, i) => {
      const revenue = 1000 + i;
      return {
        day: new Date(Date.parse('2026-01-02') + i * 86_400_000).toISOString().slice(0, 10),
        revenue,
        lower_80: revenue - 100,
        upper_80: revenue + 100,
        lower_95: revenue - 200,
        upper_95: revenue + 200,
        planned_spend: i % 7 === 0 ? 50 : 0,
      };
    }),
  };
}
