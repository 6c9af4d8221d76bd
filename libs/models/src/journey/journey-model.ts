import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelArtifactError } from '../model-artifact-error';
import { checkGraph, errorMessage, loadSession } from '../onnx-session';
import {
  type JourneyFeatureInput,
  type JourneyFeaturizer,
  checkedCount,
  createJourneyFeaturizer,
} from './journey-features';
import { JOURNEY_MODEL, type JourneyMetadata, parseJourneyMetadata } from './journey-metadata';

/** A live session's state as the scorer takes it: the features, and whether it has purchased. */
export interface JourneyScoringState extends JourneyFeatureInput {
  readonly purchases: number;
}

/**
 * The probability a purchased session is given. The model is trained on prefixes before the
 * first purchase and never sees one after it: a session with a purchase has converted, so it is
 * answered without the model, and the probability is a fact rather than a prediction.
 */
export const PURCHASED_PROBABILITY = 1;

/**
 * The live-session conversion model: a LightGBM classifier exported to ONNX by amato_ml.journey,
 * run with onnxruntime-node. It scores a batch of journey states in one session run and gives
 * each the probability that its session ends with a purchase.
 */
export class JourneyModel {
  private readonly fetches: readonly string[];

  private constructor(
    readonly metadata: JourneyMetadata,
    private readonly session: InferenceSession,
    private readonly featurizer: JourneyFeaturizer,
  ) {
    this.fetches = [metadata.output.name];
  }

  /**
   * Loads journey.onnx with its journey.json. Everything that would make it score wrongly is
   * checked here, once, rather than found on the first live session: the metadata, that the bytes
   * are a model, that its input is float32 [N, features] under the metadata's name and its output
   * [N, 2], and that a row runs. Any failure is a ModelArtifactError naming it.
   */
  static async load(onnx: Uint8Array, metadata: unknown): Promise<JourneyModel> {
    const parsed = parseJourneyMetadata(metadata);
    return loadSession(JOURNEY_MODEL, onnx, async (session) => {
      const model = new JourneyModel(parsed, session, createJourneyFeaturizer(parsed.page_types));
      checkGraph(JOURNEY_MODEL, session, {
        input: { name: parsed.input.name, width: parsed.features.length },
        output: { name: parsed.output.name, columns: 2 },
        notTensorHint: '(a ZipMap output?)',
      });
      await model.smokeTest();
      return model;
    });
  }

  get featureNames(): readonly string[] {
    return this.featurizer.featureNames;
  }

  /**
   * The probability of converting for each state, in order. A state with purchases > 0 gets
   * PURCHASED_PROBABILITY without the model; the others are encoded into one batch and run once.
   * A count that is not a non-negative integer is a RangeError (see checkedCount).
   */
  async score(states: readonly JourneyScoringState[]): Promise<number[]> {
    const probabilities = new Array<number>(states.length).fill(PURCHASED_PROBABILITY);
    const pending: number[] = [];
    states.forEach((state, k) => {
      if (checkedCount(state.purchases, 'purchases') === 0) pending.push(k);
    });
    if (pending.length === 0) return probabilities;
    const { width } = this.featurizer;
    const rows = new Float32Array(pending.length * width);
    pending.forEach((k, row) => {
      this.featurizer.encodeInto(states[k] as JourneyScoringState, rows, row * width);
    });
    const scored = await this.run(rows, pending.length);
    pending.forEach((k, row) => {
      probabilities[k] = scored[row] as number;
    });
    return probabilities;
  }

  /**
   * The model's probability for rows already encoded, flat in feature order: what the ONNX graph
   * alone gives, with no purchase rule. For checks against Python's encoded rows.
   */
  async scoreRows(rows: Float32Array): Promise<number[]> {
    const { width } = this.featurizer;
    if (rows.length % width !== 0) {
      throw new RangeError(`${rows.length} values are no whole number of ${width}-column rows`);
    }
    return rows.length === 0 ? [] : this.run(rows, rows.length / width);
  }

  /** Frees the native session; the model cannot score afterwards. */
  release(): Promise<void> {
    return this.session.release();
  }

  private async run(rows: Float32Array, count: number): Promise<number[]> {
    const input = new Tensor('float32', rows, [count, this.featurizer.width]);
    const results = await this.session.run({ [this.metadata.input.name]: input }, this.fetches);
    const output = results[this.metadata.output.name];
    if (output?.type !== 'float32' || output.dims.length !== 2 || output.dims[0] !== count) {
      throw new ModelArtifactError(
        JOURNEY_MODEL,
        `output "${this.metadata.output.name}" came back as ${output?.type ?? 'nothing'} ` +
          `[${output?.dims.join(', ') ?? ''}], expected float32 [${count}, 2]`,
      );
    }
    const data = output.data as Float32Array;
    const positive = this.metadata.output.positive_class_index;
    const probabilities = new Array<number>(count);
    for (let row = 0; row < count; row++) probabilities[row] = data[row * 2 + positive] as number;
    return probabilities;
  }

  /** One row, the state of a session that has just landed on an unknown page, must score. */
  private async smokeTest(): Promise<void> {
    const row = new Float32Array(this.featurizer.width);
    row[row.length - 1] = 1;
    let probability: number | undefined;
    try {
      [probability] = await this.run(row, 1);
    } catch (error) {
      if (error instanceof ModelArtifactError) throw error;
      throw new ModelArtifactError(
        JOURNEY_MODEL,
        `a test row does not run: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    if (probability === undefined || !(probability >= 0 && probability <= 1)) {
      throw new ModelArtifactError(
        JOURNEY_MODEL,
        `a test row scored ${String(probability)}, not a probability`,
      );
    }
  }
}
