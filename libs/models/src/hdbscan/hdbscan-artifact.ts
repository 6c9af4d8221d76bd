import {
  artifactError,
  asArray,
  asFinite,
  asInteger,
  asLambda,
  asObject,
  asString,
  describeValue,
  finiteArray,
  integerArray,
  type JsonObject,
  lambdaArray,
} from './artifact-fields';
import { type CondensedTree, indexCondensedTree, labelClusters } from './condensed-tree';

export const ARTIFACT_FORMAT = 'amato.hdbscan.v1';

/** The features a cluster is summarized by, in original units. */
export const SUMMARY_FEATURES = [
  'monetary_value',
  'frequency',
  'recency_days',
  'avg_engagement_score',
] as const;
export type SummaryFeature = (typeof SUMMARY_FEATURES)[number];

/** A segment as training found it. */
export interface ClusterSummary {
  readonly label: number;
  /** Training customers the fit put in the cluster. */
  readonly size: number;
  /**
   * Of those, the ones under the cluster's node in the condensed tree: what a new customer can
   * join through. Smaller than size where hdbscan's prediction data lost a branch of the
   * cluster (see ml/amato_ml/segmentation/model.py, mapped_labels); approximate_predict, and
   * so this model, then assigns customers near that branch noise or another cluster.
   */
  readonly mappedSize: number;
  /** Means over the fit's customers of the cluster (all `size` of them), in original units. */
  readonly means: Readonly<Record<SummaryFeature, number>>;
}

/** A validated amato.hdbscan.v1 artifact, in the shapes serving computes with. */
export interface HdbscanArtifact {
  readonly features: readonly string[];
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly minClusterSize: number;
  readonly minSamples: number;
  /** The scaled training points, row-major, features.length columns. */
  readonly points: Float64Array;
  readonly coreDistances: Float64Array;
  readonly tree: CondensedTree;
  readonly clusterLabels: Int32Array;
  readonly maxLambdas: Float64Array;
  readonly clusters: readonly ClusterSummary[];
  readonly noiseSize: number;
}

function readFeatures(value: unknown): string[] {
  const names = asArray(value, 'features').map((name, i) => asString(name, `features[${i}]`));
  if (names.length === 0) throw artifactError('features', 'expected at least one feature');
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw artifactError('features', `${repeated} appears twice`);
  return names;
}

function readScaler(value: unknown, features: readonly string[]) {
  const scaler = asObject(value, 'scaler');
  const length = { count: features.length, of: 'numbers (one per feature)' };
  const mean = finiteArray(scaler.mean, 'scaler.mean', length);
  const scale = finiteArray(scaler.scale, 'scaler.scale', length);
  const bad = scale.findIndex((s) => !(s > 0));
  if (bad !== -1) {
    throw artifactError(`scaler.scale[${bad}]`, `expected a positive number, got ${scale[bad]}`);
  }
  return { mean, scale };
}

function readHyperparameters(value: unknown) {
  const hyper = asObject(value, 'hyperparameters');
  const metric = asString(hyper.metric, 'hyperparameters.metric');
  if (metric !== 'euclidean') {
    throw artifactError('hyperparameters.metric', `only euclidean is served, got ${metric}`);
  }
  return {
    minClusterSize: asInteger(hyper.min_cluster_size, 'hyperparameters.min_cluster_size', 2),
    minSamples: asInteger(hyper.min_samples, 'hyperparameters.min_samples', 1),
  };
}

/** The training points: rows × features, and at least the 2 × min_samples a query needs. */
function readPoints(value: unknown, dimensions: number, minSamples: number) {
  const points = asObject(value, 'points');
  const rows = asInteger(points.rows, 'points.rows', 1);
  if (rows < 2 * minSamples) {
    throw artifactError(
      'points.rows',
      `${rows} training points are fewer than the 2 × min_samples = ${2 * minSamples} neighbours a prediction reads`,
    );
  }
  const values = finiteArray(points.values, 'points.values', {
    count: rows * dimensions,
    of: `numbers (${rows} rows × ${dimensions} features)`,
  });
  return { rows, values };
}

function readCoreDistances(value: unknown, rows: number): Float64Array {
  const distances = finiteArray(value, 'core_distances', {
    count: rows,
    of: 'numbers (one per training point)',
  });
  const negative = distances.findIndex((d) => d < 0);
  if (negative !== -1) {
    throw artifactError(`core_distances[${negative}]`, `expected ≥ 0, got ${distances[negative]}`);
  }
  return distances;
}

function readTree(value: unknown, rows: number): CondensedTree {
  const tree = asObject(value, 'condensed_tree');
  const parent = integerArray(tree.parent, 'condensed_tree.parent', 0);
  const length = { count: parent.length, of: 'entries (one per row, as condensed_tree.parent)' };
  return indexCondensedTree(
    {
      parent,
      child: integerArray(tree.child, 'condensed_tree.child', 0, length),
      lambda: lambdaArray(tree.lambda_val, 'condensed_tree.lambda_val', length),
      childSize: integerArray(tree.child_size, 'condensed_tree.child_size', 1, length),
    },
    rows,
  );
}

interface ClusterEntry extends ClusterSummary {
  readonly node: number;
  readonly maxLambda: number;
}

function readCluster(value: unknown, index: number): ClusterEntry {
  const field = `clusters[${index}]`;
  const cluster = asObject(value, field);
  const label = asInteger(cluster.label, `${field}.label`, 0);
  if (label !== index) throw artifactError(`${field}.label`, `expected ${index}, got ${label}`);
  const means = asObject(cluster.means, `${field}.means`);
  const readMean = (name: SummaryFeature) => asFinite(means[name], `${field}.means.${name}`);
  return {
    label,
    size: asInteger(cluster.size, `${field}.size`, 0),
    mappedSize: asInteger(cluster.mapped_size, `${field}.mapped_size`, 0),
    means: {
      monetary_value: readMean('monetary_value'),
      frequency: readMean('frequency'),
      recency_days: readMean('recency_days'),
      avg_engagement_score: readMean('avg_engagement_score'),
    },
    node: asInteger(cluster.node, `${field}.node`, 0),
    maxLambda: asLambda(cluster.max_lambda, `${field}.max_lambda`),
  };
}

/**
 * The stated max lambda of each cluster must be the largest lambda among its rows, which is
 * what hdbscan computes it from; the stated mapped sizes must be the training points the tree
 * puts under each cluster's node; and the fit's sizes and noise must add up to the training
 * points. Together they tie the summaries to the tree they were computed with.
 */
function checkClusters(
  clusters: readonly ClusterEntry[],
  tree: CondensedTree,
  clusterLabels: Int32Array,
  noiseSize: number,
): void {
  for (const cluster of clusters) {
    const actual = tree.clusterMaxLambda[cluster.node - tree.root];
    if (actual !== cluster.maxLambda) {
      throw artifactError(
        `clusters[${cluster.label}].max_lambda`,
        `${cluster.maxLambda} is not the largest lambda of node ${cluster.node}'s rows (${actual})`,
      );
    }
  }
  const mapped = new Array<number>(clusters.length).fill(0);
  tree.pointParent.forEach((node) => {
    const label = clusterLabels[node - tree.root] ?? -1;
    if (label >= 0) mapped[label] = (mapped[label] ?? 0) + 1;
  });
  clusters.forEach((cluster) => {
    const field = `clusters[${cluster.label}]`;
    if (mapped[cluster.label] !== cluster.mappedSize) {
      throw artifactError(
        `${field}.mapped_size`,
        `${cluster.mappedSize}, but the condensed tree puts ${mapped[cluster.label]} training points under node ${cluster.node}`,
      );
    }
    if (cluster.mappedSize > cluster.size) {
      throw artifactError(
        `${field}.mapped_size`,
        `${cluster.mappedSize} exceeds size ${cluster.size}`,
      );
    }
  });
  const total = clusters.reduce((sum, cluster) => sum + cluster.size, noiseSize);
  if (total !== tree.rows) {
    throw artifactError(
      'noise.size',
      `${noiseSize} plus the cluster sizes make ${total}, not the ${tree.rows} training points`,
    );
  }
}

/** Validates an artifact as parsed from JSON; every problem names its field. */
export function parseHdbscanArtifact(json: unknown): HdbscanArtifact {
  const root: JsonObject = asObject(json, '(root)');
  if (root.format !== ARTIFACT_FORMAT) {
    throw artifactError(
      'format',
      `expected "${ARTIFACT_FORMAT}", got ${describeValue(root.format)}`,
    );
  }
  const features = readFeatures(root.features);
  const { mean, scale } = readScaler(root.scaler, features);
  const { minClusterSize, minSamples } = readHyperparameters(root.hyperparameters);
  const points = readPoints(root.points, features.length, minSamples);
  const coreDistances = readCoreDistances(root.core_distances, points.rows);
  const tree = readTree(root.condensed_tree, points.rows);
  const entries = asArray(root.clusters, 'clusters').map(readCluster);
  const clusterLabels = labelClusters(
    tree,
    Int32Array.from(entries, (c) => c.node),
  );
  const noiseSize = asInteger(asObject(root.noise, 'noise').size, 'noise.size', 0);
  checkClusters(entries, tree, clusterLabels, noiseSize);
  return {
    features,
    mean,
    scale,
    minClusterSize,
    minSamples,
    points: points.values,
    coreDistances,
    tree,
    clusterLabels,
    maxLambdas: Float64Array.from(entries, (c) => c.maxLambda),
    clusters: entries.map(({ label, size, mappedSize, means }) => ({
      label,
      size,
      mappedSize,
      means,
    })),
    noiseSize,
  };
}
