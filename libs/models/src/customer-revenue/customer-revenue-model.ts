import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelArtifactError } from '../model-artifact-error';
import { checkGraph, errorMessage, loadSession } from '../onnx-session';
import {
  type CustomerRevenueFeaturizer,
  type CustomerRevenueInput,
  createCustomerRevenueFeaturizer,
} from './customer-revenue-features';
import {
  CUSTOMER_REVENUE_METADATA_FILE,
  CUSTOMER_REVENUE_MODEL,
  type CustomerRevenueMetadata,
  invalidArtifact,
  parseCustomerRevenueMetadata,
} from './customer-revenue-metadata';

/**
 * Each customer's expected sales revenue over the next horizon_days (90): LightGBM trees on the
 * online features, exported to ONNX by amato_ml.customer_revenue and run with onnxruntime-node.
 * A batch of customers is encoded into one tensor and scored in one session run.
 */
export class CustomerRevenueModel {
  private readonly fetches: readonly string[];

  private constructor(
    readonly metadata: CustomerRevenueMetadata,
    private readonly session: InferenceSession,
    private readonly featurizer: CustomerRevenueFeaturizer,
  ) {
    this.fetches = [metadata.output.name];
  }

  /**
   * Loads the artifact directory the trainer writes: customer-revenue.json, and the ONNX file
   * it names. A file missing or unreadable is a ModelArtifactError naming it.
   */
  static async fromDirectory(dir: string): Promise<CustomerRevenueModel> {
    const metadataFile = join(dir, CUSTOMER_REVENUE_METADATA_FILE);
    const text = await read(metadataFile, 'the metadata');
    let raw: unknown;
    try {
      raw = JSON.parse(text.toString('utf8'));
    } catch (error) {
      invalidArtifact(`${metadataFile} is not valid JSON: ${errorMessage(error)}`, error);
    }
    const metadata = parseCustomerRevenueMetadata(raw);
    const onnx = await read(join(dir, metadata.onnx), 'the ONNX file the metadata names');
    return CustomerRevenueModel.load(new Uint8Array(onnx), metadata);
  }

  /**
   * Loads the ONNX bytes with their metadata. Everything that would make it score wrongly is
   * checked here, once, rather than found on the first customer: the metadata, that the bytes
   * are a model, that its input is float32 [N, features] under the metadata's name and its output
   * float32 [N, 1], and that a row runs to a revenue. Any failure is a ModelArtifactError.
   */
  static async load(onnx: Uint8Array, metadata: unknown): Promise<CustomerRevenueModel> {
    const parsed = parseCustomerRevenueMetadata(metadata);
    return loadSession(CUSTOMER_REVENUE_MODEL, onnx, async (session) => {
      const featurizer = createCustomerRevenueFeaturizer(parsed.features);
      const model = new CustomerRevenueModel(parsed, session, featurizer);
      checkGraph(CUSTOMER_REVENUE_MODEL, session, {
        input: { name: parsed.input.name, width: parsed.features.length },
        output: { name: parsed.output.name, columns: 1 },
      });
      await model.smokeTest();
      return model;
    });
  }

  /** The input columns, in order. */
  get featureNames(): readonly string[] {
    return this.featurizer.featureNames;
  }

  get horizonDays(): number {
    return this.metadata.horizon_days;
  }

  /**
   * The expected revenue over the next horizonDays of each customer, in order: from its
   * CustomerFeatures (deriveFeatures' output) or its flat online feature values. A missing or
   * non-finite feature is a CustomerRevenueInputError naming the row and the field; nothing is
   * scored then.
   */
  async predict(rows: readonly CustomerRevenueInput[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const { width } = this.featurizer;
    const batch = new Float32Array(rows.length * width);
    rows.forEach((row, k) => {
      this.featurizer.encodeInto(row, k, batch, k * width);
    });
    return this.run(batch, rows.length);
  }

  /** Frees the native session; the model cannot score afterwards. */
  release(): Promise<void> {
    return this.session.release();
  }

  private async run(rows: Float32Array, count: number): Promise<number[]> {
    const input = new Tensor('float32', rows, [count, this.featurizer.width]);
    const results = await this.session.run({ [this.metadata.input.name]: input }, this.fetches);
    const output = results[this.metadata.output.name];
    if (output?.type !== 'float32' || output.size !== count || output.dims[0] !== count) {
      throw new ModelArtifactError(
        CUSTOMER_REVENUE_MODEL,
        `output "${this.metadata.output.name}" came back as ${output?.type ?? 'nothing'} ` +
          `[${output?.dims.join(', ') ?? ''}], expected float32 [${count}, 1]`,
      );
    }
    return Array.from(output.data as Float32Array);
  }

  /** A customer with every feature 0 (registered, nothing since) must score a revenue. */
  private async smokeTest(): Promise<void> {
    let revenue: number | undefined;
    try {
      [revenue] = await this.run(new Float32Array(this.featurizer.width), 1);
    } catch (error) {
      if (error instanceof ModelArtifactError) throw error;
      invalidArtifact(`a test row does not run: ${errorMessage(error)}`, error);
    }
    if (revenue === undefined || !Number.isFinite(revenue) || revenue < 0) {
      invalidArtifact(`a test row scored ${String(revenue)}, not a revenue`);
    }
  }
}

async function read(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') invalidArtifact(`${what}, ${file}, does not exist`, error);
    invalidArtifact(`${what}, ${file}, cannot be read: ${errorMessage(error)}`, error);
  }
}
