import { artifactError } from './artifact-fields';

/** The condensed tree as the artifact stores it: one entry per row, column by column. */
export interface CondensedTreeColumns {
  readonly parent: Int32Array;
  readonly child: Int32Array;
  readonly lambda: Float64Array;
  readonly childSize: Int32Array;
}

/**
 * The condensed tree indexed for what a prediction reads, in O(1) per step. Node ids follow
 * hdbscan: 0 … rows − 1 are the training points, `rows` is the root, and every other cluster
 * has a larger id than its parent (ids are handed out top-down), which is what makes the walk
 * towards the root terminate. Cluster arrays are indexed by node − root.
 */
export interface CondensedTree {
  readonly rows: number;
  readonly root: number;
  readonly clusterCount: number;
  /** Per training point: the cluster it falls out of, and the lambda at which it does. */
  readonly pointParent: Int32Array;
  readonly pointLambda: Float64Array;
  /** Per cluster: its parent node (−1 for the root) and the lambda at which it was born. */
  readonly clusterParent: Int32Array;
  readonly clusterBirth: Float64Array;
  /** Per cluster: the largest lambda among the rows it is the parent of. */
  readonly clusterMaxLambda: Float64Array;
}

const FIELD = 'condensed_tree';

function checkLengths(columns: CondensedTreeColumns, rows: number): number {
  const length = columns.parent.length;
  const others = {
    child: columns.child,
    lambda_val: columns.lambda,
    child_size: columns.childSize,
  };
  for (const [name, column] of Object.entries(others)) {
    if (column.length !== length) {
      throw artifactError(
        `${FIELD}.${name}`,
        `expected ${length} entries (one per row, as ${FIELD}.parent), got ${column.length}`,
      );
    }
  }
  if (length < rows) {
    throw artifactError(
      `${FIELD}.parent`,
      `expected at least ${rows} rows (one per training point), got ${length}`,
    );
  }
  return length;
}

/**
 * The highest node id: clusters are rows … that id, with no gap, so there are at most as many
 * as there are cluster rows (plus the root). Checked before anything is sized by it.
 */
function lastNode(columns: CondensedTreeColumns, rows: number): number {
  let last = rows;
  columns.parent.forEach((parent, row) => {
    if (parent < rows) {
      throw artifactError(
        `${FIELD}.parent[${row}]`,
        `a parent must be a cluster node (≥ ${rows}), got ${parent}`,
      );
    }
    last = Math.max(last, parent, columns.child[row] ?? 0);
  });
  const clusterRows = columns.child.filter((child) => child >= rows).length;
  if (last - rows > clusterRows) {
    throw artifactError(
      `${FIELD}.child`,
      `node ids run up to ${last}, but ${clusterRows} cluster rows allow at most ${rows + clusterRows}`,
    );
  }
  return last;
}

/** Each training point has exactly one row, of size 1; every other row is a cluster. */
function indexPoints(columns: CondensedTreeColumns, rows: number) {
  const pointParent = new Int32Array(rows).fill(-1);
  const pointLambda = new Float64Array(rows);
  columns.child.forEach((child, row) => {
    const isPoint = child < rows;
    if (isPoint !== (columns.childSize[row] === 1)) {
      throw artifactError(
        `${FIELD}.child_size[${row}]`,
        isPoint
          ? `row of training point ${child} must have child_size 1, got ${columns.childSize[row]}`
          : `row of cluster node ${child} must have child_size > 1, got 1`,
      );
    }
    if (!isPoint) return;
    if (pointParent[child] !== -1) {
      throw artifactError(`${FIELD}.child[${row}]`, `training point ${child} has a second row`);
    }
    pointParent[child] = columns.parent[row] ?? -1;
    pointLambda[child] = columns.lambda[row] ?? 0;
  });
  const missing = pointParent.indexOf(-1);
  if (missing !== -1) {
    throw artifactError(`${FIELD}.child`, `training point ${missing} has no row`);
  }
  return { pointParent, pointLambda };
}

/** Each cluster but the root has exactly one row, under a parent with a smaller id. */
function indexClusters(columns: CondensedTreeColumns, rows: number, clusterCount: number) {
  const clusterParent = new Int32Array(clusterCount).fill(-2);
  const clusterBirth = new Float64Array(clusterCount);
  const clusterSize = new Int32Array(clusterCount);
  clusterParent[0] = -1;
  clusterSize[0] = rows;
  columns.child.forEach((child, row) => {
    if (child < rows) return;
    const parent = columns.parent[row] ?? -1;
    if (parent >= child) {
      throw artifactError(
        `${FIELD}.parent[${row}]`,
        `cluster ${child} must have a parent with a smaller id, got ${parent}`,
      );
    }
    const index = child - rows;
    if (clusterParent[index] !== -2) {
      throw artifactError(`${FIELD}.child[${row}]`, `cluster node ${child} has a second row`);
    }
    clusterParent[index] = parent;
    clusterBirth[index] = columns.lambda[row] ?? 0;
    clusterSize[index] = columns.childSize[row] ?? 0;
  });
  const orphan = clusterParent.indexOf(-2);
  if (orphan !== -1) {
    throw artifactError(`${FIELD}.child`, `cluster node ${rows + orphan} has no row`);
  }
  return { clusterParent, clusterBirth, clusterSize };
}

/**
 * Checks what must hold of any condensed tree hdbscan writes — lambdas never below the birth
 * of the parent cluster, and each cluster's size the sum of its rows' sizes — and gathers each
 * cluster's largest lambda.
 */
function checkRows(
  columns: CondensedTreeColumns,
  root: number,
  clusterBirth: Float64Array,
  clusterSize: Int32Array,
): Float64Array {
  const clusterMaxLambda = new Float64Array(clusterBirth.length);
  const sizeBelow = new Float64Array(clusterBirth.length);
  columns.parent.forEach((parent, row) => {
    const index = parent - root;
    const lambda = columns.lambda[row] ?? 0;
    if (lambda < (clusterBirth[index] ?? 0)) {
      throw artifactError(
        `${FIELD}.lambda_val[${row}]`,
        `${lambda} is below the birth lambda ${clusterBirth[index]} of its parent ${parent}`,
      );
    }
    clusterMaxLambda[index] = Math.max(clusterMaxLambda[index] ?? 0, lambda);
    sizeBelow[index] = (sizeBelow[index] ?? 0) + (columns.childSize[row] ?? 0);
  });
  sizeBelow.forEach((size, index) => {
    if (size !== clusterSize[index]) {
      throw artifactError(
        `${FIELD}.child_size`,
        `cluster node ${root + index} holds ${clusterSize[index]} points, its rows add up to ${size}`,
      );
    }
  });
  return clusterMaxLambda;
}

/** Validates the tree of a fit on `rows` training points and indexes it for prediction. */
export function indexCondensedTree(columns: CondensedTreeColumns, rows: number): CondensedTree {
  checkLengths(columns, rows);
  const root = rows;
  const clusterCount = lastNode(columns, rows) - root + 1;
  const points = indexPoints(columns, rows);
  const clusters = indexClusters(columns, rows, clusterCount);
  const clusterMaxLambda = checkRows(columns, root, clusters.clusterBirth, clusters.clusterSize);
  return {
    rows,
    root,
    clusterCount,
    ...points,
    clusterParent: clusters.clusterParent,
    clusterBirth: clusters.clusterBirth,
    clusterMaxLambda,
  };
}

/**
 * The label of every cluster node: a selected node and all nodes below it carry its label
 * (hdbscan's cluster_map), others −1. Refuses a node that is not a cluster, selected twice,
 * or below another selected node, since then the map would be ambiguous.
 */
export function labelClusters(tree: CondensedTree, selected: Int32Array): Int32Array {
  const labels = new Int32Array(tree.clusterCount).fill(-1);
  const selectedAs = new Int32Array(tree.clusterCount).fill(-1);
  selected.forEach((node, label) => {
    const index = node - tree.root;
    if (index < 0 || index >= tree.clusterCount) {
      throw artifactError(`clusters[${label}].node`, `${node} is not a cluster node of the tree`);
    }
    if (selectedAs[index] !== -1) {
      throw artifactError(
        `clusters[${label}].node`,
        `${node} is already cluster ${selectedAs[index]}`,
      );
    }
    selectedAs[index] = label;
  });
  // Parents have smaller ids, so each parent is labelled before its children.
  for (let index = 0; index < tree.clusterCount; index++) {
    const parent = tree.clusterParent[index] ?? -1;
    const inherited = parent === -1 ? -1 : (labels[parent - tree.root] ?? -1);
    const own = selectedAs[index] ?? -1;
    if (own !== -1 && inherited !== -1) {
      throw artifactError(
        `clusters[${own}].node`,
        `${tree.root + index} lies inside cluster ${inherited}: selected clusters cannot nest`,
      );
    }
    labels[index] = own === -1 ? inherited : own;
  }
  return labels;
}
