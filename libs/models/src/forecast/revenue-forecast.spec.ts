import { ModelArtifactError } from '../model-artifact-error';
import { forecastArtifact } from './forecast-factory';
import { RevenueForecast, type RevenueForecastArtifact } from './revenue-forecast';

describe(RevenueForecast.name, () => {
  it('gives the first days after the cutoff with the interval of the level asked for', () => {
    const forecast = RevenueForecast.fromArtifact(forecastArtifact());
    expect(forecast).toMatchObject({ cutoff: '2026-01-01', horizonDays: 90 });
    const week = forecast.forecast(7, 80);
    expect(week).toHaveLength(7);
    expect(week[0]).toEqual({
      day: '2026-01-02',
      revenue: 1000,
      lower: 900,
      upper: 1100,
      planned_spend: 50,
    });
    expect(forecast.forecast(7, 95)[6]).toMatchObject({
      day: '2026-01-08',
      lower: 806,
      upper: 1206,
    });
    expect(() => forecast.forecast(91, 95)).toThrow(
      /horizon_days: .*1 to 90 days after 2026-01-01/,
    );
    expect(() => forecast.forecast(0, 95)).toThrow(RangeError);
  });

  const refused = (mutate: (a: RevenueForecastArtifact) => unknown, message: RegExp) => {
    const artifact = forecastArtifact(10);
    const json = (mutate(artifact) ?? artifact) as unknown;
    expect(() => RevenueForecast.fromArtifact(json)).toThrow(ModelArtifactError);
    expect(() => RevenueForecast.fromArtifact(json)).toThrow(message);
  };

  it('refuses an artifact that is not a whole, ordered forecast, naming the field', () => {
    refused(() => ({ format: 'amato.kmeans.v1' }), /field format/);
    refused(() => [], /field format/);
    refused((a) => ({ ...a, cutoff: undefined }), /field cutoff/);
    refused((a) => ({ ...a, points: [] }), /field points/);
    refused((a) => ({ ...a, levels: [80] }), /field levels: no 95% interval/);
    refused((a) => {
      (a.points[3] as { day: string }).day = '2026-02-30x';
    }, /field points\.3\.day/);
    refused((a) => {
      (a.points[4] as { day: string }).day = '2026-01-07';
    }, /field points\.4\.day: expected 2026-01-06/);
    refused((a) => {
      (a.points[2] as { upper_80: number }).upper_80 = 5000;
    }, /field points\.2: the intervals are not nested/);
    refused((a) => {
      (a.points[1] as { revenue: unknown }).revenue = 'a lot';
    }, /field points\.1\.revenue/);
  });
});
