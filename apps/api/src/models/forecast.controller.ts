import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { type Static, Type as T } from '@sinclair/typebox';
import type { ForecastLevel, RevenueForecast } from '@amato/models';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaBodyPipe } from '../validation/schema-body.pipe';
import { ApiModels } from './serving';

const schema = (s: unknown) => s as SchemaObject;

export const ForecastRevenueBody = T.Object(
  {
    horizon_days: T.Optional(
      T.Integer({
        minimum: 7,
        maximum: 90,
        default: 30,
        expected: 'a whole number of days from 7 to 90',
      }),
    ),
    interval_level: T.Optional(
      T.Union([T.Literal(80), T.Literal(95)], {
        default: 95,
        expected: '80 or 95 (percent)',
      }),
    ),
  },
  { additionalProperties: false },
);
type ForecastRevenueRequest = Static<typeof ForecastRevenueBody>;

const Day = T.String({ format: 'date' });
export const ForecastRevenueResponse = T.Object({
  model_used: T.Literal('revenue_forecast'),
  model_version: T.Integer(),
  model: T.Object({ kind: T.String(), regressors: T.Array(T.String()) }),
  cutoff: T.String({ format: 'date', description: 'the last day of the history it was fitted on' }),
  horizon_days: T.Integer(),
  interval_level: T.Integer(),
  total_revenue: T.Number({ description: 'the sum of the daily forecasts' }),
  forecast: T.Array(
    T.Object({
      date: Day,
      revenue: T.Number({ description: 'the forecast (median)' }),
      lower: T.Number({ description: 'the interval_level% prediction interval, from' }),
      upper: T.Number({ description: '… to' }),
      planned_spend: T.Number({ description: 'campaign spend planned that day, known ahead' }),
    }),
  ),
  inference_timestamp: T.String({ format: 'date-time' }),
});

@ApiTags('forecasts')
@ApiSecurity(API_KEY_SCHEME)
@ApiBadRequestResponse({ description: 'a field out of range, named in the message' })
@ApiConflictResponse({ description: 'no revenue forecast is active yet: run ./amato train' })
@Controller('forecast')
export class ForecastController {
  constructor(@Inject(ApiModels) private readonly models: ApiModels) {}

  @Post('revenue')
  @HttpCode(200)
  @ApiOperation({
    summary: "The business's daily revenue for the days after the last full day of history",
    description:
      'From the active revenue_forecast version (./amato train): each day with its median and its 80% or 95% prediction interval, and the campaign spend planned for it.',
  })
  @ApiBody({ schema: schema(ForecastRevenueBody) })
  @ApiOkResponse({ schema: schema(ForecastRevenueResponse) })
  async revenue(@Body(new SchemaBodyPipe(ForecastRevenueBody)) body: ForecastRevenueRequest) {
    const served = await this.models.require<RevenueForecast>('revenue_forecast');
    const horizon = body.horizon_days ?? 30;
    const level: ForecastLevel = body.interval_level ?? 95;
    if (horizon > served.model.horizonDays) {
      throw new BadRequestException(
        `horizon_days: version ${served.version} forecasts ${served.model.horizonDays} days after ${served.model.cutoff}, asked for ${horizon}`,
      );
    }
    const days = served.model.forecast(horizon, level);
    return {
      model_used: 'revenue_forecast',
      model_version: served.version,
      model: served.model.artifact.model,
      cutoff: served.model.cutoff,
      horizon_days: horizon,
      interval_level: level,
      total_revenue: Math.round(days.reduce((sum, d) => sum + d.revenue, 0) * 100) / 100,
      forecast: days.map((d) => ({
        date: d.day,
        revenue: d.revenue,
        lower: d.lower,
        upper: d.upper,
        planned_spend: d.planned_spend,
      })),
      inference_timestamp: new Date().toISOString(),
    };
  }
}
