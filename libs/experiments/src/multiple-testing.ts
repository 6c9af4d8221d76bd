import padjust from '@stdlib/stats-padjust';

export type Adjustment = 'holm' | 'bh';

/**
 * p-values adjusted across a family of hypotheses: Holm's step-down method controls the
 * family-wise error rate (the chance of any false positive), Benjamini–Hochberg the false
 * discovery rate (the expected share of false positives among the rejections).
 */
export function adjustPValues(pValues: readonly number[], method: Adjustment): number[] {
  if (pValues.length === 0) return [];
  return padjust([...pValues], method);
}
