import type { CondensedTree } from './condensed-tree';
import type { NearestList } from './nearest-neighbours';

/** A customer's segment: label −1 is noise (probability 0). */
export interface Assignment {
  readonly label: number;
  readonly probability: number;
}

/** What a prediction reads of a fitted model, all validated by the artifact parser. */
export interface PredictionData {
  readonly coreDistances: Float64Array;
  readonly minSamples: number;
  readonly tree: CondensedTree;
  /** Per cluster node (index node − root): its label, or −1 outside every selected cluster. */
  readonly clusterLabels: Int32Array;
  /** Per label: the max lambda probabilities are relative to (hdbscan's max_lambdas). */
  readonly maxLambdas: Float64Array;
}

/**
 * The training point a new point would join in the mutual-reachability graph, and the lambda
 * (1 / distance) at which it joins: hdbscan's _find_neighbor_and_lambda. Among the 2 ×
 * min_samples nearest points, the mutual reachability distance to each is the largest of the
 * raw distance, that neighbour's core distance and the new point's own core distance (the
 * distance to its (min_samples + 1)-th neighbour, index min_samples, as the library takes it);
 * the first smallest wins, in neighbour order. Distance 0 gives the largest double, as there.
 */
export function joiningNeighbour(
  data: PredictionData,
  neighbours: NearestList,
): { neighbour: number; lambda: number } {
  const { indices, squared } = neighbours;
  const ownCore = Math.sqrt(squared[data.minSamples] ?? Infinity);
  let best = Infinity;
  let neighbour = -1;
  for (let m = 0; m < neighbours.size; m++) {
    const index = indices[m] ?? -1;
    const reach = Math.max(
      data.coreDistances[index] ?? Infinity,
      ownCore,
      Math.sqrt(squared[m] ?? Infinity),
    );
    if (reach < best) {
      best = reach;
      neighbour = index;
    }
  }
  return { neighbour, lambda: best > 0 ? 1 / best : Number.MAX_VALUE };
}

/**
 * The cluster node the new point falls out of: the neighbour's own cluster when the point
 * joins no later than the neighbour leaves it, otherwise the cluster found by climbing while
 * the current one was born at or after the point's lambda (it did not exist yet when the point
 * joined). hdbscan's _find_cluster_and_probability.
 */
export function clusterOfNewPoint(tree: CondensedTree, neighbour: number, lambda: number): number {
  let node = tree.pointParent[neighbour] ?? tree.root;
  if ((tree.pointLambda[neighbour] ?? 0) > lambda) {
    while (node > tree.root) {
      const index = node - tree.root;
      if (!((tree.clusterBirth[index] ?? 0) >= lambda)) break;
      node = tree.clusterParent[index] ?? tree.root;
    }
  }
  return node;
}

/**
 * approximate_predict for one scaled point whose nearest training points are in `neighbours`
 * (k = 2 × min_samples): the label of the cluster it falls out of, and as probability its
 * lambda relative to the cluster's max lambda, capped at 1.
 */
export function approximatePredict(data: PredictionData, neighbours: NearestList): Assignment {
  const { neighbour, lambda } = joiningNeighbour(data, neighbours);
  const node = clusterOfNewPoint(data.tree, neighbour, lambda);
  const label = data.clusterLabels[node - data.tree.root] ?? -1;
  if (label < 0) return { label: -1, probability: 0 };
  const maxLambda = data.maxLambdas[label] ?? 0;
  const probability = maxLambda > 0 ? Math.min(maxLambda, lambda) / maxLambda : 1;
  return { label, probability };
}
