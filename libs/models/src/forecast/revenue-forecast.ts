import { type Static, Type as T } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ModelArtifactError } from '../model-artifact-error';

export const REVENUE_FORECAST_FORMAT = 'amato.revenue-forecast.v1';

/** The interval levels a forecast carries, in percent. */
export const FORECAST_LEVELS = [80, 95] as const;
export type ForecastLevel = (typeof FORECAST_LEVELS)[number];

const Day = T.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Money = T.Number({ minimum: 0 });

const ForecastPoint = T.Object({
  day: Day,
  revenue: Money,
  lower_80: Money,
  upper_80: Money,
  lower_95: Money,
  upper_95: Money,
  planned_spend: Money,
});

/** The artifact ml/amato_ml/forecast writes: the forecast itself, from its cutoff on. */
const RevenueForecastArtifact = T.Object({
  format: T.Literal(REVENUE_FORECAST_FORMAT),
  cutoff: Day,
  history: T.Object({ from: Day, to: Day, days: T.Integer({ minimum: 1 }) }),
  model: T.Object({ kind: T.String(), regressors: T.Array(T.String()) }),
  levels: T.Array(T.Integer()),
  points: T.Array(ForecastPoint, { minItems: 1, maxItems: 366 }),
});
export type RevenueForecastArtifact = Static<typeof RevenueForecastArtifact>;
export type ForecastPoint = Static<typeof ForecastPoint>;

const check = TypeCompiler.Compile(RevenueForecastArtifact);
const DAY_MS = 86_400_000;

/** A day of the forecast with the interval of the level asked for. */
export interface ForecastDay {
  readonly day: string;
  readonly revenue: number;
  readonly lower: number;
  readonly upper: number;
  readonly planned_spend: number;
}

/**
 * The business's daily revenue forecast as trained (ml/amato_ml/forecast): validated when loaded,
 * so a version that loads answers every horizon it covers. The days follow the cutoff one by one;
 * each has its median and its 80% and 95% prediction intervals, nested around it.
 */
export class RevenueForecast {
  private constructor(readonly artifact: RevenueForecastArtifact) {}

  static fromArtifact(json: unknown): RevenueForecast {
    const fail = (problem: string) => new ModelArtifactError('revenue_forecast', problem);
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== REVENUE_FORECAST_FORMAT) {
      throw fail(
        `field format: expected "${REVENUE_FORECAST_FORMAT}", got ${JSON.stringify(format)}`,
      );
    }
    if (!check.Check(json)) {
      const [first] = check.Errors(json);
      throw fail(
        first
          ? `field ${first.path.slice(1).replaceAll('/', '.') || '(root)'}: ${first.message}`
          : 'not a revenue forecast',
      );
    }
    const missing = FORECAST_LEVELS.filter((l) => !json.levels.includes(l));
    if (missing.length > 0) throw fail(`field levels: no ${missing.join(', ')}% interval`);
    let expected = Date.parse(json.cutoff) + DAY_MS;
    json.points.forEach((p, i) => {
      const at = `field points.${i}`;
      if (Date.parse(p.day) !== expected) {
        throw fail(
          `${at}.day: expected ${new Date(expected).toISOString().slice(0, 10)}, the day after the one before, got ${p.day}`,
        );
      }
      expected += DAY_MS;
      const nested =
        p.lower_95 <= p.lower_80 &&
        p.lower_80 <= p.revenue &&
        p.revenue <= p.upper_80 &&
        p.upper_80 <= p.upper_95;
      if (!nested) throw fail(`${at}: the intervals are not nested around the forecast`);
    });
    return new RevenueForecast(json);
  }

  /** The last day of the history it was fitted on. */
  get cutoff(): string {
    return this.artifact.cutoff;
  }

  /** The days it covers after the cutoff. */
  get horizonDays(): number {
    return this.artifact.points.length;
  }

  /** The first `days` days after the cutoff, with the `level`% interval. */
  forecast(days: number, level: ForecastLevel): ForecastDay[] {
    if (!Number.isInteger(days) || days < 1 || days > this.horizonDays) {
      throw new RangeError(
        `horizon_days: this forecast covers 1 to ${this.horizonDays} days after ${this.cutoff}, got ${days}`,
      );
    }
    return this.artifact.points.slice(0, days).map((p) => ({
      day: p.day,
      revenue: p.revenue,
      lower: level === 80 ? p.lower_80 : p.lower_95,
      upper: level === 80 ? p.upper_80 : p.upper_95,
      planned_spend: p.planned_spend,
    }));
  }
}
