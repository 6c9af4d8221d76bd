/**
 * Quality of a clustering, as scikit-learn computes it, for the models' reports. Points are
 * rows of equal width; labels are cluster numbers, -1 for noise (left out of every metric).
 */

function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = (a[j] ?? 0) - (b[j] ?? 0);
    s += d * d;
  }
  return Math.sqrt(s);
}

function clustered(points: readonly (readonly number[])[], labels: readonly number[]) {
  const keep = labels.flatMap((l, i) => (l >= 0 ? [i] : []));
  return {
    rows: keep.map((i) => points[i] as readonly number[]),
    labels: keep.map((i) => labels[i] as number),
  };
}

/**
 * The mean silhouette coefficient: per point (b − a) / max(a, b), a its mean distance to its
 * own cluster, b to the nearest other; 0 for points alone in their cluster. O(n²): callers
 * pass a sample for large sets. Needs at least 2 clusters and fewer clusters than points.
 */
export function silhouetteScore(
  points: readonly (readonly number[])[],
  labels: readonly number[],
): number {
  const { rows, labels: ls } = clustered(points, labels);
  const clusters = [...new Set(ls)];
  if (clusters.length < 2 || clusters.length >= rows.length) {
    throw new RangeError(
      `silhouette needs 2 to n-1 clusters, got ${clusters.length} for ${rows.length} points`,
    );
  }
  const index = new Map(clusters.map((c, i) => [c, i]));
  const sizes = clusters.map((c) => ls.filter((l) => l === c).length);
  const clusterOf = Int32Array.from(ls, (l) => index.get(l) ?? 0);
  let total = 0;
  const sums = new Float64Array(clusters.length);
  for (let i = 0; i < rows.length; i++) {
    sums.fill(0);
    const row = rows[i] as readonly number[];
    for (let k = 0; k < rows.length; k++) {
      const c = clusterOf[k] ?? 0;
      if (k !== i) sums[c] = (sums[c] ?? 0) + distance(row, rows[k] as readonly number[]);
    }
    const own = index.get(ls[i] as number) ?? 0;
    const ownSize = sizes[own] ?? 0;
    if (ownSize <= 1) continue; // a singleton's silhouette is 0
    const a = (sums[own] ?? 0) / (ownSize - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < clusters.length; c++) {
      if (c !== own) b = Math.min(b, (sums[c] ?? 0) / (sizes[c] ?? 1));
    }
    total += (b - a) / Math.max(a, b);
  }
  return total / rows.length;
}

/**
 * The Davies–Bouldin index: the mean over clusters of the worst ratio (s_i + s_j) / d(c_i, c_j),
 * s the mean distance of a cluster's points to its centroid. Lower is better.
 */
export function daviesBouldinScore(
  points: readonly (readonly number[])[],
  labels: readonly number[],
): number {
  const { rows, labels: ls } = clustered(points, labels);
  const clusters = [...new Set(ls)].sort((a, b) => a - b);
  if (clusters.length < 2)
    throw new RangeError(`Davies–Bouldin needs 2 clusters or more, got ${clusters.length}`);
  const width = rows[0]?.length ?? 0;
  const centroids = clusters.map((c) => {
    const members = rows.filter((_, i) => ls[i] === c);
    const centre = new Array<number>(width).fill(0);
    for (const m of members)
      for (let j = 0; j < width; j++) centre[j] = (centre[j] ?? 0) + (m[j] ?? 0) / members.length;
    return {
      centre,
      spread: members.reduce((s, m) => s + distance(m, centre), 0) / members.length,
    };
  });
  let total = 0;
  for (const [i, a] of centroids.entries()) {
    let worst = 0;
    for (const [j, b] of centroids.entries()) {
      if (i === j) continue;
      const d = distance(a.centre, b.centre);
      worst = Math.max(worst, d === 0 ? Number.POSITIVE_INFINITY : (a.spread + b.spread) / d);
    }
    total += worst;
  }
  return total / centroids.length;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * The adjusted Rand index of two labelings of the same points: 1 for the same partition
 * (whatever the numbering), about 0 for independent ones. Noise (-1) counts as a label here;
 * callers that compare only clustered points filter first.
 */
export function adjustedRandIndex(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new RangeError(`labelings differ in length: ${a.length} and ${b.length}`);
  const table = new Map<string, number>();
  const rowsOf = new Map<number, number>();
  const colsOf = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    table.set(`${x},${y}`, (table.get(`${x},${y}`) ?? 0) + 1);
    rowsOf.set(x, (rowsOf.get(x) ?? 0) + 1);
    colsOf.set(y, (colsOf.get(y) ?? 0) + 1);
  }
  const index = [...table.values()].reduce((s, n) => s + pairs(n), 0);
  const sumA = [...rowsOf.values()].reduce((s, n) => s + pairs(n), 0);
  const sumB = [...colsOf.values()].reduce((s, n) => s + pairs(n), 0);
  const expected = (sumA * sumB) / pairs(a.length);
  const max = (sumA + sumB) / 2;
  // Both labelings put every point alone, or all together: the same partition.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
