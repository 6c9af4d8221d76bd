import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelArtifactError } from '../model-artifact-error';
import {
  type JourneyFeatureInput,
  type JourneyFeaturizer,
  checkedCount,
  createJourneyFeaturizer,
} from './journey-features';
import {
  JOURNEY_MODEL,
  type JourneyMetadata,
  describe,
  parseJourneyMetadata,
} from './journey-metadata';

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
 * One thread per session run: the processor scores small batches on every live-session update,
 * where a thread pool's wake-up costs more than the trees, and its event loop has other work.
 */
const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

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
    const session = await createSession(onnx);
    const model = new JourneyModel(parsed, session, createJourneyFeaturizer(parsed.page_types));
    try {
      checkInput(session, parsed);
      checkOutput(session, parsed);
      await model.smokeTest();
    } catch (error) {
      await session.release();
      throw error;
    }
    return model;
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
      throw new ModelArtifactError(JOURNEY_MODEL, `a test row does not run: ${message(error)}`, {
        cause: error,
      });
    }
    if (probability === undefined || !(probability >= 0 && probability <= 1)) {
      throw new ModelArtifactError(
        JOURNEY_MODEL,
        `a test row scored ${String(probability)}, not a probability`,
      );
    }
  }
}

/** The session, or a ModelArtifactError for bytes that are empty, truncated or not ONNX. */
async function createSession(onnx: Uint8Array): Promise<InferenceSession> {
  if (onnx.byteLength === 0) throw new ModelArtifactError(JOURNEY_MODEL, 'the ONNX file is empty');
  try {
    return await InferenceSession.create(onnx, SESSION_OPTIONS);
  } catch (error) {
    throw new ModelArtifactError(
      JOURNEY_MODEL,
      `the ONNX file (${onnx.byteLength} bytes) does not load, corrupt or truncated: ${message(error)}`,
      { cause: error },
    );
  }
}

function checkInput(session: InferenceSession, metadata: JourneyMetadata): void {
  const { name } = metadata.input;
  if (session.inputNames.length !== 1 || session.inputNames[0] !== name) {
    fail(`the ONNX graph has input(s) ${quoted(session.inputNames)}, the metadata names "${name}"`);
  }
  const tensor = tensorMetadata(session.inputMetadata, name, 'input');
  if (tensor.type !== 'float32') fail(`input "${name}" is ${tensor.type}, expected float32`);
  const width = metadata.features.length;
  const columns = tensor.shape[1];
  if (tensor.shape.length !== 2 || typeof columns !== 'number') {
    fail(`input "${name}" has shape ${describe(tensor.shape)}, expected [batch, ${width}]`);
  }
  if (columns !== width) {
    fail(`input "${name}" has ${columns} columns, the metadata lists ${width} features`);
  }
}

function checkOutput(session: InferenceSession, metadata: JourneyMetadata): void {
  const { name } = metadata.output;
  if (!session.outputNames.includes(name)) {
    fail(`the ONNX graph has output(s) ${quoted(session.outputNames)}, not "${name}"`);
  }
  const tensor = tensorMetadata(session.outputMetadata, name, 'output');
  if (tensor.type !== 'float32') fail(`output "${name}" is ${tensor.type}, expected float32`);
  const columns = tensor.shape[1];
  if (tensor.shape.length !== 2 || (typeof columns === 'number' && columns !== 2)) {
    fail(`output "${name}" has shape ${describe(tensor.shape)}, expected [batch, 2]`);
  }
}

function tensorMetadata(
  all: readonly InferenceSession.ValueMetadata[],
  name: string,
  kind: 'input' | 'output',
): InferenceSession.TensorValueMetadata {
  const value = all.find((candidate) => candidate.name === name);
  if (!value?.isTensor) fail(`${kind} "${name}" is not a tensor (a ZipMap output?)`);
  return value;
}

function quoted(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(problem: string): never {
  throw new ModelArtifactError(JOURNEY_MODEL, problem);
}
