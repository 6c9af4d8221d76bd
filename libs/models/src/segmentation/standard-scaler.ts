/** A z-score standardization fitted on training rows: (x − mean) / scale per column. */
export interface StandardScaler {
  readonly mean: readonly number[];
  /** The population standard deviation; 1 for a constant column, which then maps to 0. */
  readonly scale: readonly number[];
}

/** Fits the scaler on rows of equal width (as scikit-learn's StandardScaler does). */
export function fitScaler(rows: readonly (readonly number[])[]): StandardScaler {
  const width = rows[0]?.length ?? 0;
  const mean = new Array<number>(width).fill(0);
  const m2 = new Array<number>(width).fill(0);
  // Welford's update per column: stable for large and shifted values.
  rows.forEach((row, i) => {
    for (let j = 0; j < width; j++) {
      const x = row[j] ?? 0;
      const delta = x - (mean[j] ?? 0);
      mean[j] = (mean[j] ?? 0) + delta / (i + 1);
      m2[j] = (m2[j] ?? 0) + delta * (x - (mean[j] ?? 0));
    }
  });
  const scale = m2.map((s) => {
    const sd = Math.sqrt(s / Math.max(1, rows.length));
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, scale };
}

/** One row standardized into `out` (allocation-free for hot paths). */
export function scaleInto(
  scaler: StandardScaler,
  row: readonly number[],
  out: Float64Array,
): Float64Array {
  for (let j = 0; j < out.length; j++) {
    out[j] = ((row[j] ?? 0) - (scaler.mean[j] ?? 0)) / (scaler.scale[j] ?? 1);
  }
  return out;
}

export function scaleRows(
  scaler: StandardScaler,
  rows: readonly (readonly number[])[],
): number[][] {
  return rows.map((row) => Array.from(scaleInto(scaler, row, new Float64Array(row.length))));
}
