import type { Random } from './random';

/**
 * Splits `total` into one integer per weight, proportional to the weights, each at least
 * `minimum` (and at most `maximum`), summing exactly to `total`. Rounding remainders go to
 * random slots, so the result is exact and still follows the weights.
 */
export function allocate(
  total: number,
  weights: readonly number[],
  random: Random,
  {
    minimum = 0,
    maximum = Number.POSITIVE_INFINITY,
  }: { minimum?: number | readonly number[]; maximum?: number } = {},
): number[] {
  const n = weights.length;
  if (n === 0) {
    if (total !== 0) throw new Error(`cannot allocate ${total} over no slots`);
    return [];
  }
  const counts = Array.from({ length: n }, (_, i) =>
    typeof minimum === 'number' ? minimum : (minimum[i] ?? 0),
  );
  const floor = counts.reduce((a, c) => a + c, 0);
  if (total < floor || total > maximum * n || counts.some((c) => c > maximum)) {
    throw new Error(
      `cannot allocate ${total} over ${n} slots (at least ${floor} in all, at most ${maximum} each)`,
    );
  }
  const rest = total - floor;
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  let given = 0;
  if (sum > 0) {
    for (let i = 0; i < n; i++) {
      const share = Math.floor((rest * Math.max(0, weights[i] ?? 0)) / sum);
      const room = maximum - (counts[i] ?? 0);
      const add = Math.min(share, room);
      counts[i] = (counts[i] ?? 0) + add;
      given += add;
    }
  }
  let left = rest - given;
  // Whatever rounding (or a cap) left over goes one by one to random slots that have room.
  let guard = 0;
  while (left > 0) {
    const i = random.int(0, n - 1);
    if ((counts[i] ?? 0) < maximum) {
      counts[i] = (counts[i] ?? 0) + 1;
      left--;
    }
    if (++guard > total * 50 + 1000) throw new Error('allocation did not converge');
  }
  return counts;
}
