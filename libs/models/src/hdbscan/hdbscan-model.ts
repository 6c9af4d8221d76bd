import { artifactError } from './artifact-fields';
import { type Assignment, approximatePredict } from './approximate-predict';
import { type FeatureInput, standardizeInto } from './feature-vector';
import {
  type ClusterSummary,
  type HdbscanArtifact,
  parseHdbscanArtifact,
} from './hdbscan-artifact';
import { NearestList, scanNearest } from './nearest-neighbours';

/**
 * Training points whose core distance is recomputed at load: enough to catch points and core
 * distances of different fits (or shuffled), cheap enough for every load — recomputing all of
 * them would cost one full search per training point.
 */
const CORE_DISTANCE_SAMPLES = 16;
const CORE_DISTANCE_TOLERANCE = 1e-9;

/**
 * Recomputes the core distance (distance to the min_samples-th nearest training point, itself
 * included, as hdbscan's prediction data does) of evenly spread training points.
 */
function checkCoreDistances(artifact: HdbscanArtifact): void {
  const rows = artifact.coreDistances.length;
  const list = new NearestList(artifact.minSamples);
  const query = new Float64Array(artifact.features.length);
  const samples = Math.min(rows, CORE_DISTANCE_SAMPLES);
  for (let s = 0; s < samples; s++) {
    const row = Math.round((s * (rows - 1)) / Math.max(1, samples - 1));
    query.set(artifact.points.subarray(row * query.length, (row + 1) * query.length));
    scanNearest(artifact.points, query.length, query, list);
    const expected = Math.sqrt(list.squared[artifact.minSamples - 1] ?? NaN);
    const stated = artifact.coreDistances[row] ?? NaN;
    if (!(Math.abs(stated - expected) <= CORE_DISTANCE_TOLERANCE * Math.max(1, expected))) {
      throw artifactError(
        `core_distances[${row}]`,
        `${stated}, but the training points put its ${artifact.minSamples}th nearest at ${expected}: points and core distances are not of one fit`,
      );
    }
  }
}

/**
 * The served customer segmentation: assigns a customer to a segment of the training clustering
 * the way hdbscan's approximate_predict does, from the artifact the Python training writes
 * (ml/amato_ml/segmentation). Loading validates the artifact, so a model that loads answers
 * every finite input. The nearest training points are found by an exact scan (at 36 features
 * and 2 × min_samples neighbours, space-partitioning trees prune too little to pay for
 * themselves); its buffers are allocated once per model and reused, so assigning allocates
 * only its result. Not reentrant, which JavaScript's single thread guarantees.
 */
export class HdbscanModel {
  /** The feature names, in the order of a vector input. */
  readonly features: readonly string[];
  /** The segments (label ≥ 0) with their training size and means. */
  readonly clusters: readonly ClusterSummary[];
  /** Training customers left as noise. */
  readonly noiseSize: number;
  readonly minClusterSize: number;
  readonly minSamples: number;

  private readonly query: Float64Array;
  private readonly neighbours: NearestList;

  private constructor(private readonly artifact: HdbscanArtifact) {
    this.features = artifact.features;
    this.clusters = artifact.clusters;
    this.noiseSize = artifact.noiseSize;
    this.minClusterSize = artifact.minClusterSize;
    this.minSamples = artifact.minSamples;
    this.query = new Float64Array(artifact.features.length);
    // approximate_predict looks at the 2 × min_samples nearest training points.
    this.neighbours = new NearestList(2 * artifact.minSamples);
  }

  /** Validates an amato.hdbscan.v1 artifact (parsed JSON); throws ModelArtifactError naming the field. */
  static fromArtifact(json: unknown): HdbscanModel {
    const artifact = parseHdbscanArtifact(json);
    checkCoreDistances(artifact);
    return new HdbscanModel(artifact);
  }

  /** Training customers the model was fitted on. */
  get trainingSize(): number {
    return this.artifact.coreDistances.length;
  }

  /**
   * The segment of one customer (label −1: noise, probability 0). Throws a RangeError naming
   * the feature when one is missing or not a finite number.
   */
  assign(features: FeatureInput): Assignment {
    standardizeInto(this.artifact, features, this.query);
    scanNearest(this.artifact.points, this.query.length, this.query, this.neighbours);
    return approximatePredict(this.artifact, this.neighbours);
  }

  /** assign for each customer, in order; a bad input is reported with its position. */
  assignMany(customers: readonly FeatureInput[]): Assignment[] {
    return customers.map((features, position) => {
      try {
        return this.assign(features);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new RangeError(`customer ${position}: ${error.message}`, { cause: error });
      }
    });
  }
}
