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
import {
  AllocationError,
  CampaignInputError,
  type CampaignOutcomeModel,
  type CampaignPlan,
  type CampaignResponse,
} from '@amato/models';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaBodyPipe } from '../validation/schema-body.pipe';
import { ApiModels } from './serving';

const schema = (s: unknown) => s as SchemaObject;
const Name = T.String({ minLength: 1, maxLength: 50, expected: 'a name of 1 to 50 characters' });
const Money = (description: string) =>
  T.Number({ minimum: 0, maximum: 1e10, description, expected: 'an amount from 0 to 1e10' });

export const OptimizeBody = T.Object(
  {
    budget: T.Number({
      exclusiveMinimum: 0,
      maximum: 1e10,
      description: 'the most that may be spent over the whole period, all channels together',
      expected: 'an amount above 0, at most 1e10',
    }),
    days: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 365,
        default: 30,
        description: 'the period: each channel runs one campaign for that many days',
        expected: 'a whole number of days from 1 to 365',
      }),
    ),
    objective: T.Optional(
      T.Union([T.Literal('revenue'), T.Literal('profit')], {
        default: 'revenue',
        description:
          'revenue: the most revenue the budget buys, all of it spent (so also the best ROAS for that spend); profit: revenue less spend, so a channel gets money only while the next unit returns more than it costs',
        expected: '"revenue" or "profit"',
      }),
    ),
    channels: T.Array(
      T.Object(
        {
          channel: Name,
          min_spend: T.Optional(Money('the least this channel must get over the period')),
          max_spend: T.Optional(Money('the most this channel may get over the period')),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20, expected: '1 to 20 channels' },
    ),
    audiences: T.Optional(
      T.Array(Name, {
        minItems: 1,
        maxItems: 20,
        description: 'the audience segments a campaign may target (default: every one fitted)',
        expected: '1 to 20 audience names',
      }),
    ),
    campaign_types: T.Optional(
      T.Array(Name, {
        minItems: 1,
        maxItems: 20,
        description: 'the campaign types allowed (default: every one fitted)',
        expected: '1 to 20 campaign types',
      }),
    ),
  },
  { additionalProperties: false },
);
type OptimizeRequest = Static<typeof OptimizeBody>;

const Interval = T.Tuple([T.Number(), T.Number()]);
const Estimate = T.Object({
  expected: T.Number({ description: 'under the fitted curves' }),
  interval_80: Interval,
  interval_95: Interval,
});
const Outcome = T.Object({ revenue: T.Number(), conversions: T.Number(), roas: T.Number() });
export const OptimizeResponse = T.Object({
  model_used: T.Literal('campaign_response'),
  model_version: T.Integer(),
  outcome_model_version: T.Union([T.Integer(), T.Null()]),
  budget: T.Number(),
  days: T.Integer(),
  objective: T.String(),
  spend: T.Number(),
  unspent: T.Number(),
  revenue: Estimate,
  roas: T.Union([T.Number(), T.Null()]),
  allocation: T.Array(
    T.Object({
      channel: T.String(),
      audience: T.String(),
      campaign_type: T.String(),
      spend: T.Number(),
      daily_spend: T.Number(),
      revenue: Estimate,
      roas: T.Union([T.Number(), T.Null()]),
      marginal_return: T.Number({
        description: 'revenue of the next unit of budget given to this channel',
      }),
      at: T.String({ description: 'min, max or interior: which of its limits binds' }),
      outcome_model: T.Union([Outcome, T.Null()], {
        description: 'the outcome model on the same campaign (none for a channel given nothing)',
      }),
    }),
  ),
  inference_timestamp: T.String({ format: 'date-time' }),
});

export const PredictCampaignsBody = T.Object(
  {
    campaigns: T.Array(
      T.Object(
        {
          channel: Name,
          daily_budget: T.Number({
            exclusiveMinimum: 0,
            maximum: 1e9,
            expected: 'an amount above 0, at most 1e9',
          }),
          duration_days: T.Integer({
            minimum: 1,
            maximum: 365,
            expected: 'a whole number of days from 1 to 365',
          }),
          audience: T.Optional(Name),
          campaign_type: Name,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000, expected: '1 to 1,000 campaigns' },
    ),
  },
  { additionalProperties: false },
);
type PredictCampaignsRequest = Static<typeof PredictCampaignsBody>;

export const PredictCampaignsResponse = T.Object({
  model_used: T.Literal('campaign_outcome'),
  model_version: T.Integer(),
  predictions: T.Array(Outcome),
  inference_timestamp: T.String({ format: 'date-time' }),
});

function badRequest(error: unknown): never {
  if (error instanceof AllocationError || error instanceof CampaignInputError)
    throw new BadRequestException(error.message);
  throw error;
}

@ApiTags('campaigns')
@ApiSecurity(API_KEY_SCHEME)
@ApiBadRequestResponse({
  description: 'a field out of range, or a constraint no allocation can meet, named in the message',
})
@ApiConflictResponse({ description: 'no campaign model is active yet: run ./amato train' })
@Controller('campaign')
export class CampaignController {
  constructor(@Inject(ApiModels) private readonly models: ApiModels) {}

  @Post('optimize')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Split a budget over channels for the most revenue (or profit)',
    description:
      "From the active campaign_response version (./amato train): each channel's saturating response to daily spend, so more budget is not always better. Every channel's spend stays within its min_spend and max_spend and the total within the budget; a request no split can satisfy is a 400 naming the constraint. Each channel gets the audience and campaign type of the highest fitted factor among those allowed, its predicted revenue with 80% and 95% prediction intervals (bootstrap curves, campaign quality, day-to-day noise) and the marginal return of the next unit of budget; the active campaign_outcome model's answer for the same campaign is given beside it.",
  })
  @ApiBody({ schema: schema(OptimizeBody) })
  @ApiOkResponse({ schema: schema(OptimizeResponse) })
  async optimize(@Body(new SchemaBodyPipe(OptimizeBody)) body: OptimizeRequest) {
    const served = await this.models.require<CampaignResponse>('campaign_response');
    const days = body.days ?? 30;
    const objective = body.objective ?? 'revenue';
    let plan: CampaignPlan;
    try {
      plan = served.model.plan({
        budget: body.budget,
        days,
        objective,
        channels: body.channels,
        audiences: body.audiences,
        campaign_types: body.campaign_types,
      });
    } catch (error) {
      badRequest(error);
    }
    const outcome = this.models.serving.current<CampaignOutcomeModel>('campaign_outcome');
    const funded = plan.channels.filter((c) => c.daily_spend > 0);
    // The outcome model knows only what it was trained on; a channel it has not seen gets none.
    const known = (c: (typeof funded)[number]) =>
      outcome !== undefined &&
      outcome.model.metadata.categories.channel.includes(c.channel) &&
      outcome.model.metadata.categories.audience.includes(c.audience) &&
      outcome.model.metadata.categories.campaign_type.includes(c.campaign_type);
    const scored = funded.filter(known);
    const answers = outcome
      ? await outcome.model.predict(
          scored.map((c) => ({
            channel: c.channel,
            daily_budget: c.daily_spend,
            duration_days: days,
            audience: c.audience,
            campaign_type: c.campaign_type,
          })),
        )
      : [];
    const byChannel = new Map(scored.map((c, i) => [c.channel, answers[i] ?? null]));
    return {
      model_used: 'campaign_response',
      model_version: served.version,
      outcome_model_version: outcome?.version ?? null,
      budget: body.budget,
      days,
      objective,
      spend: plan.spend,
      unspent: plan.unspent,
      revenue: plan.revenue,
      roas: plan.roas,
      allocation: plan.channels.map((c) => ({
        ...c,
        outcome_model: byChannel.get(c.channel) ?? null,
      })),
      inference_timestamp: new Date().toISOString(),
    };
  }

  @Post('predict')
  @HttpCode(200)
  @ApiOperation({
    summary: "Predict campaigns' revenue, conversions and ROAS from their parameters",
    description:
      'From the active campaign_outcome version (./amato train): gradient-boosted trees on the channel, daily budget, audience (default everyone), duration and campaign type, for up to 1,000 campaigns in one request.',
  })
  @ApiBody({ schema: schema(PredictCampaignsBody) })
  @ApiOkResponse({ schema: schema(PredictCampaignsResponse) })
  async predict(@Body(new SchemaBodyPipe(PredictCampaignsBody)) body: PredictCampaignsRequest) {
    const served = await this.models.require<CampaignOutcomeModel>('campaign_outcome');
    let predictions;
    try {
      predictions = await served.model.predict(
        body.campaigns.map((c) => ({ ...c, audience: c.audience ?? 'everyone' })),
      );
    } catch (error) {
      badRequest(error);
    }
    return {
      model_used: 'campaign_outcome',
      model_version: served.version,
      predictions,
      inference_timestamp: new Date().toISOString(),
    };
  }
}
