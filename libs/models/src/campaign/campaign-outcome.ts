import { type Static, Type as T } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelArtifactError } from '../model-artifact-error';
import { loadSession } from '../onnx-session';

export const CAMPAIGN_OUTCOME_FORMAT = 'amato.campaign-outcome.v1';
export const CAMPAIGN_OUTCOME_MODEL = 'campaign_outcome';
const NUMERIC = ['daily_budget', 'duration_days'] as const;
const CATEGORICAL = ['channel', 'audience', 'campaign_type'] as const;
const OUTPUTS = ['roas', 'conversions_per_unit'] as const;

const Metadata = T.Object({
  format: T.Literal(CAMPAIGN_OUTCOME_FORMAT),
  input: T.String({ minLength: 1 }),
  outputs: T.Tuple([T.Literal('roas'), T.Literal('conversions_per_unit')]),
  numeric: T.Tuple([T.Literal('daily_budget'), T.Literal('duration_days')]),
  categories: T.Object({
    channel: T.Array(T.String(), { minItems: 1 }),
    audience: T.Array(T.String(), { minItems: 1 }),
    campaign_type: T.Array(T.String(), { minItems: 1 }),
  }),
  features: T.Array(T.String(), { minItems: 1 }),
  trained_on: T.Object({ days: T.Integer(), campaigns: T.Integer(), last_day: T.String() }),
});
export type CampaignOutcomeMetadata = Static<typeof Metadata>;
const check = TypeCompiler.Compile(Metadata);

/** What a campaign is planned with: the outcome model's inputs. */
export interface CampaignParameters {
  readonly channel: string;
  readonly daily_budget: number;
  readonly duration_days: number;
  readonly audience: string;
  readonly campaign_type: string;
}

export interface CampaignOutcome {
  readonly revenue: number;
  readonly conversions: number;
  readonly roas: number;
}

/** A campaign the model cannot score: the field and why. */
export class CampaignInputError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'CampaignInputError';
  }
}

const fail = (problem: string): never => {
  throw new ModelArtifactError(CAMPAIGN_OUTCOME_MODEL, problem);
};

/**
 * The campaign outcome model of ml/amato_ml/campaign: two LightGBM models (Poisson) in one ONNX
 * graph answering a campaign's revenue and conversions per unit of its daily budget (its ROAS,
 * never rising with the budget) from the campaign's parameters. A campaign's outcome is that
 * times its budget: the daily budget times the duration.
 */
export class CampaignOutcomeModel {
  private readonly columns: ReadonlyMap<string, number>;

  private constructor(
    readonly metadata: CampaignOutcomeMetadata,
    private readonly session: InferenceSession,
  ) {
    this.columns = new Map(metadata.features.map((f, i) => [f, i]));
  }

  /** Loads the ONNX bytes with their metadata; anything that would score wrongly is refused. */
  static async load(onnx: Uint8Array, metadata: unknown): Promise<CampaignOutcomeModel> {
    if (!check.Check(metadata)) {
      const [first] = check.Errors(metadata);
      fail(
        first
          ? `metadata field ${first.path.slice(1).replaceAll('/', '.') || '(root)'}: ${first.message}`
          : 'not campaign outcome metadata',
      );
    }
    const m = metadata as CampaignOutcomeMetadata;
    const expected = [
      ...NUMERIC,
      ...CATEGORICAL.flatMap((c) => m.categories[c].map((v) => `${c}=${v}`)),
    ];
    if (expected.length !== m.features.length || expected.some((f, i) => f !== m.features[i])) {
      fail('metadata field features: not the numeric parameters then one per category value');
    }
    return loadSession(CAMPAIGN_OUTCOME_MODEL, onnx, async (session) => {
      const model = new CampaignOutcomeModel(m, session);
      if (session.inputNames.length !== 1 || session.inputNames[0] !== m.input) {
        fail(`the ONNX graph has input(s) ${session.inputNames.join(', ')}, not "${m.input}"`);
      }
      const missing = OUTPUTS.filter((o) => !session.outputNames.includes(o));
      if (missing.length > 0) fail(`the ONNX graph has no output(s) ${missing.join(', ')}`);
      await model.probe();
      return model;
    });
  }

  /**
   * A campaign of the metadata's first categories must score a ROAS. Its values are the
   * metadata's own, so a CampaignInputError here is the artifact's fault, not the caller's.
   */
  private async probe(): Promise<void> {
    const { categories } = this.metadata;
    let probe: CampaignOutcome | undefined;
    try {
      [probe] = await this.predict([
        {
          channel: categories.channel[0] ?? '',
          audience: categories.audience[0] ?? '',
          campaign_type: categories.campaign_type[0] ?? '',
          daily_budget: 100,
          duration_days: 7,
        },
      ]);
    } catch (error) {
      if (error instanceof CampaignInputError) fail(error.message);
      throw error;
    }
    if (!probe || !Number.isFinite(probe.roas) || probe.roas < 0) {
      fail(`a test campaign scored a ROAS of ${String(probe?.roas)}`);
    }
  }

  /** The row of one campaign, or a CampaignInputError naming the field. */
  private encode(c: CampaignParameters, row: Float32Array, at: string): void {
    for (const [j, name] of NUMERIC.entries()) {
      const value = c[name];
      if (!(Number.isFinite(value) && value > 0)) {
        throw new CampaignInputError(`${at}${name}`, `expected a positive number, got ${value}`);
      }
      row[j] = value;
    }
    for (const name of CATEGORICAL) {
      const column = this.columns.get(`${name}=${c[name]}`);
      if (column === undefined) {
        throw new CampaignInputError(
          `${at}${name}`,
          `"${c[name]}" is not one the model was trained on: ${this.metadata.categories[name].join(', ')}`,
        );
      }
      row[column] = 1;
    }
  }

  /** Each campaign's expected revenue and conversions over its duration, in one session run. */
  async predict(
    campaigns: readonly CampaignParameters[],
    field = 'campaigns',
  ): Promise<CampaignOutcome[]> {
    const width = this.metadata.features.length;
    const data = new Float32Array(campaigns.length * width);
    campaigns.forEach((c, i) => {
      this.encode(c, data.subarray(i * width, (i + 1) * width), `${field}[${i}].`);
    });
    if (campaigns.length === 0) return [];
    const input = new Tensor('float32', data, [campaigns.length, width]);
    const answers = await this.session.run({ [this.metadata.input]: input }, [...OUTPUTS]);
    const roas = answers.roas?.data as Float32Array;
    const conversions = answers.conversions_per_unit?.data as Float32Array;
    return campaigns.map((c, i) => {
      const spend = c.daily_budget * c.duration_days;
      return {
        revenue: Math.round((roas[i] ?? 0) * spend * 100) / 100,
        conversions: Math.round((conversions[i] ?? 0) * spend * 100) / 100,
        roas: Math.round((roas[i] ?? 0) * 1e4) / 1e4,
      };
    });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
