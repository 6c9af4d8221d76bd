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
import { deriveFeatures, FeatureStore } from '@amato/features';
import {
  CustomerRevenueInputError,
  type CustomerRevenueModel,
  type ForecastLevel,
  type OnlineFeatureValues,
  type RevenueForecast,
} from '@amato/models';
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
    customer_ids: T.Optional(
      T.Array(T.String({ minLength: 1, maxLength: 20 }), {
        minItems: 1,
        maxItems: 10_000,
        description:
          "customers whose next 90 days to forecast from the stream's features (instead of the business)",
        expected: '1 to 10,000 customer ids',
      }),
    ),
    customers: T.Optional(
      T.Array(
        T.Object(
          {
            customer_id: T.Optional(T.String({ maxLength: 20 })),
            features: T.Record(T.String(), T.Number(), {
              description:
                'the online features by the training dataset column names (recency_days, avg_order_value, windows.revenue_90d, device_mix.mobile, ...)',
            }),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: 10_000,
          description: 'feature vectors to forecast the next 90 days of (instead of the business)',
          expected: '1 to 10,000 customers',
        },
      ),
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

export const CustomerRevenueResponse = T.Object({
  model_used: T.Literal('customer_revenue'),
  model_version: T.Integer(),
  horizon_days: T.Integer(),
  total_expected_revenue: T.Number(),
  predictions: T.Array(
    T.Object({
      customer_id: T.Union([T.String(), T.Null()]),
      expected_revenue: T.Number({ description: 'sales over the next horizon_days' }),
    }),
  ),
  unknown_customers: T.Array(T.String(), {
    description: 'ids the stream has seen no event of, left out of predictions',
  }),
  inference_timestamp: T.String({ format: 'date-time' }),
});

const round2 = (x: number) => Math.round(x * 100) / 100;

@ApiTags('forecasts')
@ApiSecurity(API_KEY_SCHEME)
@ApiBadRequestResponse({ description: 'a field out of range, named in the message' })
@ApiConflictResponse({ description: 'no revenue forecast is active yet: run ./amato train' })
@Controller('forecast')
export class ForecastController {
  constructor(
    @Inject(ApiModels) private readonly models: ApiModels,
    @Inject(FeatureStore) private readonly store: FeatureStore,
  ) {}

  @Post('revenue')
  @HttpCode(200)
  @ApiOperation({
    summary: "The business's daily revenue ahead, or customers' revenue over the next 90 days",
    description:
      "Without customers: from the active revenue_forecast version (./amato train), each day after the last full day of history with its median and its 80% or 95% prediction interval, and the campaign spend planned for it. With customer_ids (read from the stream's features) or customers (feature vectors): from the active customer_revenue version, each customer's expected sales over the next 90 days; ids the stream has not seen are listed apart.",
  })
  @ApiBody({ schema: schema(ForecastRevenueBody) })
  @ApiOkResponse({ schema: schema(T.Union([ForecastRevenueResponse, CustomerRevenueResponse])) })
  async revenue(@Body(new SchemaBodyPipe(ForecastRevenueBody)) body: ForecastRevenueRequest) {
    if (body.customer_ids !== undefined || body.customers !== undefined)
      return this.customers(body);
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

  private async customers(body: ForecastRevenueRequest) {
    if (body.customer_ids !== undefined && body.customers !== undefined)
      throw new BadRequestException('customer_ids, customers: give one of them, not both');
    if (body.interval_level !== undefined)
      throw new BadRequestException(
        'interval_level: the customer forecast is an expectation, without an interval',
      );
    const served = await this.models.require<CustomerRevenueModel>('customer_revenue');
    const horizon = served.model.horizonDays;
    if (body.horizon_days !== undefined && body.horizon_days !== horizon) {
      throw new BadRequestException(
        `horizon_days: the customer forecast covers the next ${horizon} days, asked for ${body.horizon_days}`,
      );
    }
    const at = Date.now();
    let ids: (string | null)[];
    let rows: OnlineFeatureValues[] | ReturnType<typeof deriveFeatures>[];
    const unknown: string[] = [];
    if (body.customer_ids) {
      const aggregates = await this.store.readMany(body.customer_ids);
      const known = body.customer_ids.flatMap((id, i) => {
        const a = aggregates[i];
        if (!a) unknown.push(id);
        return a ? [{ id, features: deriveFeatures(a, at) }] : [];
      });
      ids = known.map((k) => k.id);
      rows = known.map((k) => k.features);
    } else {
      const customers = body.customers ?? [];
      ids = customers.map((c) => c.customer_id ?? null);
      rows = customers.map((c) => c.features);
    }
    let revenue: number[];
    try {
      revenue = await served.model.predict(rows);
    } catch (error) {
      if (error instanceof CustomerRevenueInputError)
        throw new BadRequestException(
          `customers[${error.row}].features: ${error.field} ${error.problem}`,
        );
      throw error;
    }
    const predictions = ids.map((customer_id, i) => ({
      customer_id,
      expected_revenue: round2(Math.max(0, revenue[i] ?? 0)),
    }));
    return {
      model_used: 'customer_revenue',
      model_version: served.version,
      horizon_days: horizon,
      total_expected_revenue: round2(predictions.reduce((sum, p) => sum + p.expected_revenue, 0)),
      predictions,
      unknown_customers: unknown,
      inference_timestamp: new Date(at).toISOString(),
    };
  }
}
