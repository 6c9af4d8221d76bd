import { ModelArtifactError } from '../model-artifact-error';
import { clusterOfNewPoint } from './approximate-predict';
import { type CondensedTreeColumns, indexCondensedTree, labelClusters } from './condensed-tree';

type Row = readonly [parent: number, child: number, lambda: number, childSize: number];

function columns(rows: readonly Row[]): CondensedTreeColumns {
  return {
    parent: Int32Array.from(rows, (r) => r[0]),
    child: Int32Array.from(rows, (r) => r[1]),
    lambda: Float64Array.from(rows, (r) => r[2]),
    childSize: Int32Array.from(rows, (r) => r[3]),
  };
}

/**
 * Eight points, root 8. Cluster 9 (points 0–2) and cluster 10 are born at λ 0.5; cluster 10
 * splits at λ 1.5 into 11 (points 3–4) and 12 (points 5–6); point 7 falls out of the root at
 * λ 0.25.
 */
const TREE: readonly Row[] = [
  [8, 7, 0.25, 1],
  [8, 9, 0.5, 3],
  [8, 10, 0.5, 4],
  [9, 0, 1, 1],
  [9, 1, 2, 1],
  [9, 2, 2, 1],
  [10, 11, 1.5, 2],
  [10, 12, 1.5, 2],
  [11, 3, 3, 1],
  [11, 4, 3, 1],
  [12, 5, 4, 1],
  [12, 6, 5, 1],
];

const treeWith = (edit: (rows: Row[]) => void): CondensedTreeColumns => {
  const rows = [...TREE];
  edit(rows);
  return columns(rows);
};

function problemOf(tree: CondensedTreeColumns, rows = 8): string {
  try {
    indexCondensedTree(tree, rows);
  } catch (error) {
    if (error instanceof ModelArtifactError) return error.message;
    throw error;
  }
  throw new Error('the tree was accepted');
}

describe(indexCondensedTree.name, () => {
  it('indexes each point by the cluster it leaves and each cluster by its parent', () => {
    const tree = indexCondensedTree(columns(TREE), 8);
    expect(tree.root).toBe(8);
    expect(tree.clusterCount).toBe(5);
    expect([...tree.pointParent]).toEqual([9, 9, 9, 11, 11, 12, 12, 8]);
    expect([...tree.pointLambda]).toEqual([1, 2, 2, 3, 3, 4, 5, 0.25]);
    expect([...tree.clusterParent]).toEqual([-1, 8, 8, 10, 10]);
    expect([...tree.clusterBirth]).toEqual([0, 0.5, 0.5, 1.5, 1.5]);
    expect([...tree.clusterMaxLambda]).toEqual([0.5, 2, 1.5, 3, 5]);
  });

  it('refuses trees hdbscan cannot have written', () => {
    expect(problemOf(treeWith((rows) => rows.pop()))).toMatch(/training point 6 has no row/);
    expect(problemOf(treeWith((rows) => (rows[5] = [9, 1, 2, 1])))).toMatch(
      /condensed_tree\.child\[5\]: training point 1 has a second row/,
    );
    expect(problemOf(treeWith((rows) => (rows[6] = [11, 11, 1.5, 2])))).toMatch(
      /condensed_tree\.parent\[6\]: cluster 11 must have a parent with a smaller id, got 11/,
    );
    expect(problemOf(treeWith((rows) => (rows[1] = [8, 9, 0.5, 4])))).toMatch(
      /cluster node 8 holds 8 points, its rows add up to 9/,
    );
    expect(problemOf(treeWith((rows) => (rows[3] = [9, 0, 0.4, 1])))).toMatch(
      /lambda_val\[3\]: 0.4 is below the birth lambda 0.5 of its parent 9/,
    );
    expect(problemOf(treeWith((rows) => (rows[0] = [3, 7, 0.25, 1])))).toMatch(
      /parent\[0\]: a parent must be a cluster node \(≥ 8\), got 3/,
    );
    expect(problemOf(treeWith((rows) => (rows[0] = [8, 7, 0.25, 2])))).toMatch(
      /child_size\[0\]: row of training point 7 must have child_size 1, got 2/,
    );
    expect(problemOf(treeWith((rows) => (rows[6] = [10, 40, 1.5, 2])))).toMatch(
      /node ids run up to 40/,
    );
  });
});

describe(labelClusters.name, () => {
  const tree = indexCondensedTree(columns(TREE), 8);

  it('gives a selected cluster and every cluster below it its label', () => {
    expect([...labelClusters(tree, Int32Array.of(9, 10))]).toEqual([-1, 0, 1, 1, 1]);
    expect([...labelClusters(tree, Int32Array.of(9, 11, 12))]).toEqual([-1, 0, -1, 1, 2]);
  });

  it('refuses nested, repeated or unknown selections', () => {
    expect(() => labelClusters(tree, Int32Array.of(10, 12))).toThrow(/lies inside cluster 0/);
    expect(() => labelClusters(tree, Int32Array.of(9, 9))).toThrow(/already cluster 0/);
    expect(() => labelClusters(tree, Int32Array.of(3))).toThrow(/3 is not a cluster node/);
  });
});

describe(clusterOfNewPoint.name, () => {
  const tree = indexCondensedTree(columns(TREE), 8);

  it("stays in the neighbour's cluster when joining no later than the neighbour leaves", () => {
    expect(clusterOfNewPoint(tree, 5, 4)).toBe(12);
    expect(clusterOfNewPoint(tree, 5, 9)).toBe(12);
  });

  it('stays while the cluster already existed at the joining lambda', () => {
    expect(clusterOfNewPoint(tree, 5, 2)).toBe(12);
  });

  it('climbs past clusters born at or after the joining lambda', () => {
    expect(clusterOfNewPoint(tree, 5, 1.5)).toBe(10);
    expect(clusterOfNewPoint(tree, 5, 1)).toBe(10);
    expect(clusterOfNewPoint(tree, 5, 0.5)).toBe(8);
    expect(clusterOfNewPoint(tree, 7, 0.1)).toBe(8);
  });
});
