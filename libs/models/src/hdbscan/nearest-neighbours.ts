/**
 * The k nearest training points of a query, as sklearn's KDTree returns them to hdbscan's
 * approximate_predict: ordered by squared Euclidean distance summed over the dimensions in
 * order (the same additions, so the same doubles). Where distances tie exactly, the KDTree's
 * order is an accident of its traversal; here the lower training index comes first, so the
 * answer never depends on how the points were searched.
 */

/** The k best (squared distance, index) pairs so far, ascending; preallocated, reused. */
export class NearestList {
  readonly indices: Int32Array;
  readonly squared: Float64Array;
  private filled = 0;

  constructor(readonly k: number) {
    this.indices = new Int32Array(k);
    this.squared = new Float64Array(k);
  }

  reset(): void {
    this.filled = 0;
  }

  get size(): number {
    return this.filled;
  }

  /** Squared distance a point must not exceed to enter; +∞ until the list is full. */
  worst(): number {
    return this.filled < this.k ? Infinity : (this.squared[this.k - 1] ?? Infinity);
  }

  /** Inserts the pair if it is among the k smallest, ties going to the lower index. */
  offer(squared: number, index: number): void {
    const { indices, squared: distances, k } = this;
    let position: number;
    if (this.filled < k) {
      position = this.filled++;
    } else {
      const last = distances[k - 1] ?? Infinity;
      if (squared > last || (squared === last && index > (indices[k - 1] ?? -1))) return;
      position = k - 1;
    }
    while (position > 0) {
      const before = distances[position - 1] ?? -Infinity;
      if (before < squared || (before === squared && (indices[position - 1] ?? -1) < index)) break;
      distances[position] = before;
      indices[position] = indices[position - 1] ?? -1;
      position--;
    }
    distances[position] = squared;
    indices[position] = index;
  }
}

/**
 * Exhaustive search, row by row in training order, stopping a row's sum as soon as it exceeds
 * the current k-th distance (the remaining terms only add, so the row could not enter).
 */
export function scanNearest(
  points: Float64Array,
  dimensions: number,
  query: Float64Array,
  out: NearestList,
): void {
  out.reset();
  const rows = points.length / dimensions;
  let worst = Infinity;
  for (let row = 0, base = 0; row < rows; row++, base += dimensions) {
    let sum = 0;
    let j = 0;
    for (; j < dimensions; j++) {
      const t = (query[j] ?? 0) - (points[base + j] ?? 0);
      sum += t * t;
      if (sum > worst) break;
    }
    if (j < dimensions) continue;
    out.offer(sum, row);
    worst = out.worst();
  }
}

/** Reference search: every row, every term. Slow, obviously right; the tests compare with it. */
export function bruteForceNearest(
  points: Float64Array,
  dimensions: number,
  query: Float64Array,
  out: NearestList,
): void {
  out.reset();
  const rows = points.length / dimensions;
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let j = 0; j < dimensions; j++) {
      const t = (query[j] ?? 0) - (points[row * dimensions + j] ?? 0);
      sum += t * t;
    }
    out.offer(sum, row);
  }
}
