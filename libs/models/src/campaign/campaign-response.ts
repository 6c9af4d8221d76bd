import { type Static, Type as T } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ModelArtifactError } from '../model-artifact-error';
import { seededRandom } from '../random';
import {
  type Allocation,
  AllocationError,
  allocateBudget,
  type ResponseCurve,
  revenueAt,
} from './budget-allocation';

export const CAMPAIGN_RESPONSE_FORMAT = 'amato.campaign-response.v1';
export const CAMPAIGN_RESPONSE_MODEL = 'campaign_response';

const Positive = T.Number({ exclusiveMinimum: 0 });
const Day = T.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Sample = T.Object({
  ceiling: T.Array(Positive),
  scale: T.Array(Positive),
  audience: T.Array(Positive),
  campaign_type: T.Array(Positive),
});

/** The artifact ml/amato_ml/campaign writes: the fitted curves and their bootstrap resamples. */
const CampaignResponseArtifact = T.Object({
  format: T.Literal(CAMPAIGN_RESPONSE_FORMAT),
  trained_on: T.Object({
    days: T.Integer({ minimum: 1 }),
    campaigns: T.Integer({ minimum: 1 }),
    first_day: Day,
    last_day: Day,
  }),
  channels: T.Record(T.String(), T.Object({ ceiling: Positive, scale: Positive })),
  audiences: T.Record(T.String(), Positive),
  campaign_types: T.Record(T.String(), Positive),
  base: T.Object({ audience: T.String(), campaign_type: T.String() }),
  quality_sigma: T.Number({ minimum: 0 }),
  dispersion: T.Number({ minimum: 0 }),
  skipped_channels: T.Record(T.String(), T.String()),
  samples: T.Array(Sample, { minItems: 1 }),
});
export type CampaignResponseArtifact = Static<typeof CampaignResponseArtifact>;
const check = TypeCompiler.Compile(CampaignResponseArtifact);

export const PLAN_LEVELS = [80, 95] as const;
/** Simulated outcomes per bootstrap resample for the prediction intervals. */
const DRAWS_PER_SAMPLE = 20;

export interface PlanRequest {
  /** The total that may be spent over the whole period. */
  readonly budget: number;
  /** The period in days: each channel runs one campaign for that long. */
  readonly days: number;
  readonly objective: 'revenue' | 'profit';
  readonly channels: readonly {
    readonly channel: string;
    readonly min_spend?: number;
    readonly max_spend?: number;
  }[];
  /** The audiences a campaign may target (default: all the curves know). */
  readonly audiences?: readonly string[];
  /** The campaign types allowed (default: all the curves know). */
  readonly campaign_types?: readonly string[];
}

/** An amount with its 80% and 95% prediction intervals. */
export interface Estimate {
  readonly expected: number;
  readonly interval_80: readonly [number, number];
  readonly interval_95: readonly [number, number];
}

export interface ChannelPlan {
  readonly channel: string;
  readonly audience: string;
  readonly campaign_type: string;
  readonly spend: number;
  readonly daily_spend: number;
  readonly revenue: Estimate;
  readonly roas: number | null;
  /** Revenue of the next unit of budget given to this channel. */
  readonly marginal_return: number;
  readonly at: 'min' | 'max' | 'interior';
}

export interface CampaignPlan {
  readonly channels: readonly ChannelPlan[];
  readonly spend: number;
  readonly unspent: number;
  readonly revenue: Estimate;
  readonly roas: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (at - lo);
}

/**
 * Each channel's saturating response to spend as fitted by ml/amato_ml/campaign: a campaign
 * day's expected revenue is ceiling × audience factor × type factor × (1 − e^(−spend / scale)).
 * Validated when loaded. `plan` splits a budget over the channels allowed with the allocator
 * (the spend that maximises revenue or profit under every channel's limits) and gives each
 * channel's revenue with prediction intervals from the bootstrap resamples, the campaigns'
 * unexplained quality and day-to-day noise.
 */
export class CampaignResponse {
  private readonly channelNames: readonly string[];
  private readonly audienceNames: readonly string[];
  private readonly typeNames: readonly string[];

  private constructor(readonly artifact: CampaignResponseArtifact) {
    this.channelNames = Object.keys(artifact.channels);
    this.audienceNames = Object.keys(artifact.audiences);
    this.typeNames = Object.keys(artifact.campaign_types);
  }

  static fromArtifact(json: unknown): CampaignResponse {
    const fail = (problem: string) => new ModelArtifactError(CAMPAIGN_RESPONSE_MODEL, problem);
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== CAMPAIGN_RESPONSE_FORMAT) {
      throw fail(
        `field format: expected "${CAMPAIGN_RESPONSE_FORMAT}", got ${JSON.stringify(format)}`,
      );
    }
    if (!check.Check(json)) {
      const [first] = check.Errors(json);
      throw fail(
        first
          ? `field ${first.path.slice(1).replaceAll('/', '.') || '(root)'}: ${first.message}`
          : 'not a campaign response',
      );
    }
    const sizes = {
      ceiling: Object.keys(json.channels).length,
      scale: Object.keys(json.channels).length,
      audience: Object.keys(json.audiences).length,
      campaign_type: Object.keys(json.campaign_types).length,
    };
    if (sizes.ceiling === 0) throw fail('field channels: no channel has a curve');
    json.samples.forEach((sample, i) => {
      for (const [key, size] of Object.entries(sizes)) {
        const got = sample[key as keyof typeof sizes].length;
        if (got !== size) {
          throw fail(`field samples.${i}.${key}: ${got} values, expected ${size} (one per name)`);
        }
      }
    });
    for (const [field, name] of [
      ['audiences', json.base.audience],
      ['campaign_types', json.base.campaign_type],
    ] as const) {
      if (json[field][name] !== 1) throw fail(`field ${field}.${name}: the base's factor is not 1`);
    }
    return new CampaignResponse(json);
  }

  get channels(): readonly string[] {
    return this.channelNames;
  }

  get audiences(): readonly string[] {
    return this.audienceNames;
  }

  get campaignTypes(): readonly string[] {
    return this.typeNames;
  }

  /** The best of the allowed names by factor; unknown names are refused, naming the field. */
  private best(
    field: 'audiences' | 'campaign_types',
    allowed: readonly string[] | undefined,
  ): { name: string; index: number } {
    const names = field === 'audiences' ? this.audienceNames : this.typeNames;
    const factors = this.artifact[field];
    const wanted = allowed ?? names;
    if (wanted.length === 0) throw new AllocationError(field, 'name at least one, or leave it out');
    let best = { name: '', index: -1, factor: -Infinity };
    wanted.forEach((name, i) => {
      const index = names.indexOf(name);
      if (index < 0) {
        throw new AllocationError(
          `${field}[${i}]`,
          `"${name}" is not one the curves were fitted on: ${names.join(', ')}`,
        );
      }
      const factor = factors[name] ?? 0;
      if (factor > best.factor) best = { name, index, factor };
    });
    return best;
  }

  plan(request: PlanRequest): CampaignPlan {
    const { days } = request;
    if (!(Number.isInteger(days) && days >= 1)) {
      throw new AllocationError('days', `expected a whole number of days ≥ 1, got ${days}`);
    }
    const audience = this.best('audiences', request.audiences);
    const type = this.best('campaign_types', request.campaign_types);
    const factor =
      (this.artifact.audiences[audience.name] ?? 1) *
      (this.artifact.campaign_types[type.name] ?? 1);
    request.channels.forEach(({ channel }, i) => {
      const why = this.artifact.skipped_channels[channel];
      if (why !== undefined) {
        throw new AllocationError(
          `channels[${i}].channel`,
          `"${channel}" has no response curve: ${why} in the training data`,
        );
      }
    });
    // Over the period one campaign earns days × r(spend / days): the same form with the
    // ceiling and scale multiplied by the days.
    const curves: ResponseCurve[] = this.channelNames.map((channel) => {
      const c = this.artifact.channels[channel] ?? { ceiling: 0, scale: 1 };
      return { channel, ceiling: c.ceiling * factor * days, scale: c.scale * days };
    });
    let allocation: Allocation;
    try {
      allocation = allocateBudget(curves, {
        budget: request.budget,
        objective: request.objective,
        channels: request.channels.map((c) => ({
          channel: c.channel,
          min: c.min_spend,
          max: c.max_spend,
        })),
      });
    } catch (error) {
      if (error instanceof AllocationError) {
        const field = error.field.replace(/\.min$/, '.min_spend').replace(/\.max$/, '.max_spend');
        throw new AllocationError(field, error.message.slice(error.field.length + 2));
      }
      throw error;
    }
    const draws = this.simulate(allocation, days, audience.index, type.index);
    const estimate = (expected: number, sims: Float64Array): Estimate => {
      sims.sort();
      return {
        expected: round2(expected),
        interval_80: [round2(quantile(sims, 0.1)), round2(quantile(sims, 0.9))],
        interval_95: [round2(quantile(sims, 0.025)), round2(quantile(sims, 0.975))],
      };
    };
    const channels = allocation.channels.map((a, i) => ({
      channel: a.channel,
      audience: audience.name,
      campaign_type: type.name,
      spend: round2(a.spend),
      daily_spend: round2(a.spend / days),
      revenue: estimate(a.revenue, draws.perChannel[i] ?? new Float64Array(1)),
      roas: a.spend > 0 ? round4(a.revenue / a.spend) : null,
      marginal_return: round4(a.marginal_return),
      at: a.at,
    }));
    return {
      channels,
      spend: round2(allocation.spend),
      unspent: round2(allocation.unspent),
      revenue: estimate(allocation.revenue, draws.total),
      roas: allocation.spend > 0 ? round4(allocation.revenue / allocation.spend) : null,
    };
  }

  /**
   * Revenue outcomes of the allocation: for every bootstrap resample, DRAWS_PER_SAMPLE draws of
   * each channel's campaign quality (lognormal, mean 1) and of the noise of its days summed
   * (normal, variance dispersion × mean). Seeded by the allocation, so the same request gets
   * the same intervals.
   */
  private simulate(
    allocation: Allocation,
    days: number,
    audience: number,
    type: number,
  ): { perChannel: Float64Array[]; total: Float64Array } {
    const { samples, quality_sigma: sigma, dispersion } = this.artifact;
    const n = samples.length * DRAWS_PER_SAMPLE;
    const perChannel = allocation.channels.map(() => new Float64Array(n));
    const total = new Float64Array(n);
    const random = seededRandom(Math.round(allocation.spend * 100) ^ (days * 7919));
    const normal = () => {
      const u = 1 - random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    };
    const index = allocation.channels.map((a) => this.channelNames.indexOf(a.channel));
    let k = 0;
    for (const s of samples) {
      const factor = (s.audience[audience] ?? 1) * (s.campaign_type[type] ?? 1);
      const expected = allocation.channels.map((a, c) => {
        const j = index[c] ?? 0;
        const curve = {
          channel: a.channel,
          ceiling: (s.ceiling[j] ?? 0) * factor * days,
          scale: (s.scale[j] ?? 1) * days,
        };
        return revenueAt(curve, a.spend);
      });
      for (let d = 0; d < DRAWS_PER_SAMPLE; d++, k++) {
        let sum = 0;
        expected.forEach((mean, c) => {
          const quality = Math.exp(sigma * normal() - (sigma * sigma) / 2);
          const m = mean * quality;
          const value = Math.max(0, m + normal() * Math.sqrt(dispersion * m));
          (perChannel[c] as Float64Array)[k] = value;
          sum += value;
        });
        total[k] = sum;
      }
    }
    return { perChannel, total };
  }
}
