import {
  approximatePredict,
  clusterOfNewPoint,
  joiningNeighbour,
  type PredictionData,
} from './approximate-predict';
import { type CondensedTreeColumns, indexCondensedTree, labelClusters } from './condensed-tree';
import { standardizeInto } from './feature-vector';
import { fixtureArtifact, fixtureHoldout } from './fixtures/load-fixtures';
import { parseHdbscanArtifact } from './hdbscan-artifact';
import { parseHoldout } from './holdout-agreement';
import { NearestList, scanNearest } from './nearest-neighbours';

/**
 * Five points, root 5: cluster 6 holds points 0 (leaves at λ 1) and 1 (λ 2), cluster 7 points
 * 2 and 3 (λ 4); both are born at λ 0.5, and point 4 falls out of the root at λ 0.25.
 */
const COLUMNS: CondensedTreeColumns = {
  parent: Int32Array.of(5, 5, 5, 6, 6, 7, 7),
  child: Int32Array.of(4, 6, 7, 0, 1, 2, 3),
  lambda: Float64Array.of(0.25, 0.5, 0.5, 1, 2, 4, 4),
  childSize: Int32Array.of(1, 2, 2, 1, 1, 1, 1),
};

/** A model over that tree with the given core distances; clusters 6 and 7 are labels 0, 1. */
function data(coreDistances: number[], minSamples = 1): PredictionData {
  const tree = indexCondensedTree(COLUMNS, 5);
  return {
    coreDistances: Float64Array.from(coreDistances),
    minSamples,
    tree,
    clusterLabels: labelClusters(tree, Int32Array.of(6, 7)),
    maxLambdas: Float64Array.of(2, 4),
  };
}

/** A neighbour list, nearest first: [training index, distance]. */
function neighbours(...entries: [index: number, distance: number][]): NearestList {
  const list = new NearestList(entries.length);
  for (const [index, distance] of entries) list.offer(distance * distance, index);
  return list;
}

describe(joiningNeighbour.name, () => {
  it('joins the neighbour of least mutual reachability, own core from index min_samples', () => {
    // Own core distance: the distance at index 1, 2. Reachabilities: 5, 3.5, 3, 4.
    const model = data([5, 3.5, 1, 1, 9]);
    const found = joiningNeighbour(model, neighbours([0, 1], [1, 2], [2, 3], [3, 4]));
    expect(found).toEqual({ neighbour: 2, lambda: 1 / 3 });
  });

  it('takes the first of equal reachabilities, in neighbour order', () => {
    const model = data([3, 3, 1, 1, 9]);
    expect(joiningNeighbour(model, neighbours([1, 1], [0, 2], [2, 3])).neighbour).toBe(1);
  });

  it('joins at the largest double when the reachability is 0', () => {
    const model = data([0, 0, 0, 0, 0]);
    expect(joiningNeighbour(model, neighbours([0, 0], [1, 0])).lambda).toBe(Number.MAX_VALUE);
  });
});

describe(approximatePredict.name, () => {
  it('gives the lambda relative to the cluster max lambda as probability', () => {
    // Reachability 0.8 to point 0: λ 1.25 ≥ the 1 at which it leaves cluster 6 (label 0).
    const model = data([0.8, 0.1, 9, 9, 9]);
    expect(approximatePredict(model, neighbours([0, 0.8], [1, 0.8]))).toEqual({
      label: 0,
      probability: 1.25 / 2,
    });
  });

  it('caps the probability at 1', () => {
    const model = data([0.1, 0.1, 9, 9, 9]);
    expect(approximatePredict(model, neighbours([0, 0.1], [1, 0.2]))).toEqual({
      label: 0,
      probability: 1,
    });
  });

  it('is noise with probability 0 outside every selected cluster', () => {
    // Joins point 4 at λ 0.2, before it leaves the root: the point stays in the root.
    const model = data([9, 9, 9, 9, 0.1]);
    expect(approximatePredict(model, neighbours([4, 0.1], [0, 5]))).toEqual({
      label: -1,
      probability: 0,
    });
  });

  it('has probability 0 in a cluster whose max lambda is infinite', () => {
    const model = { ...data([0, 0, 0, 0, 0]), maxLambdas: Float64Array.of(Infinity, 4) };
    expect(approximatePredict(model, neighbours([0, 0], [1, 0]))).toEqual({
      label: 0,
      probability: 0,
    });
  });
});

describe('the agreement fixture', () => {
  it('reaches every branch of the prediction', () => {
    const artifact = parseHdbscanArtifact(fixtureArtifact());
    const holdout = parseHoldout(fixtureHoldout());
    const selected = new Set<number>();
    const seen = { climbed: 0, belowSelected: 0, distanceTies: 0 };
    const query = new Float64Array(artifact.features.length);
    const list = new NearestList(2 * artifact.minSamples);
    for (const point of holdout.points) {
      standardizeInto(artifact, point, query);
      scanNearest(artifact.points, query.length, query, list);
      const { neighbour, lambda } = joiningNeighbour(artifact, list);
      const node = clusterOfNewPoint(artifact.tree, neighbour, lambda);
      if (node !== artifact.tree.pointParent[neighbour]) seen.climbed++;
      const label = artifact.clusterLabels[node - artifact.tree.root] ?? -1;
      if (label >= 0) selected.add(label);
      const parent = artifact.tree.clusterParent[node - artifact.tree.root] ?? -1;
      if (label >= 0 && artifact.clusterLabels[parent - artifact.tree.root] === label) {
        seen.belowSelected++;
      }
      if (list.squared.some((s, m) => m > 0 && s === list.squared[m - 1])) seen.distanceTies++;
    }
    const { labels, probabilities } = holdout;
    expect(selected.size).toBe(artifact.clusters.length);
    expect(labels.filter((l) => l === -1).length).toBeGreaterThan(10);
    expect(probabilities.filter((p) => p === 1).length).toBeGreaterThan(5);
    expect(labels.filter((l, i) => l >= 0 && probabilities[i] === 0).length).toBeGreaterThan(0);
    expect(seen.climbed).toBeGreaterThan(5);
    expect(seen.belowSelected).toBeGreaterThan(0);
    expect(seen.distanceTies).toBeGreaterThan(0);
  });
});
