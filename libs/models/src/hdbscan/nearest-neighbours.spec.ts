import { bruteForceNearest, NearestList, scanNearest } from './nearest-neighbours';

/** mulberry32: a small seeded generator, so every run searches the same points. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Points on a coarse grid (values −2 … 2 in steps of 0.5), so exact ties in distance, and
 * exact duplicates, are frequent: what ordering by index has to settle.
 */
function gridPoints(random: () => number, rows: number, dimensions: number): Float64Array {
  return Float64Array.from({ length: rows * dimensions }, () => Math.round(random() * 8) / 2 - 2);
}

const pairs = (list: NearestList) =>
  Array.from({ length: list.size }, (_, m) => [list.indices[m], list.squared[m]]);

describe(NearestList.name, () => {
  it('keeps the k smallest distances in order, ties by lower index', () => {
    const list = new NearestList(3);
    const offers = [
      [4, 10],
      [1, 11],
      [1, 12],
      [9, 13],
      [0.5, 14],
    ] as const;
    offers.forEach(([squared, index]) => {
      list.offer(squared, index);
    });
    expect(pairs(list)).toEqual([
      [14, 0.5],
      [11, 1],
      [12, 1],
    ]);
    expect(list.worst()).toBe(1);
    list.offer(1, 2); // ties the worst with a lower index: enters, before the other ties
    list.offer(1, 20); // ties with a higher index: stays out
    expect(pairs(list)).toEqual([
      [14, 0.5],
      [2, 1],
      [11, 1],
    ]);
  });

  it('admits everything until full', () => {
    const list = new NearestList(2);
    expect(list.worst()).toBe(Infinity);
    list.offer(100, 0);
    expect(list.worst()).toBe(Infinity);
    list.offer(50, 1);
    expect(list.worst()).toBe(100);
  });
});

describe(scanNearest.name, () => {
  it('finds exactly what the exhaustive search finds, ties included', () => {
    const random = seeded(11);
    const dimensions = 7;
    const points = gridPoints(random, 300, dimensions);
    const fast = new NearestList(24);
    const reference = new NearestList(24);
    let ties = 0;
    for (let q = 0; q < 200; q++) {
      const query = gridPoints(random, 1, dimensions);
      scanNearest(points, dimensions, query, fast);
      bruteForceNearest(points, dimensions, query, reference);
      expect(pairs(fast)).toEqual(pairs(reference));
      ties += fast.squared.filter((s, m) => m > 0 && s === fast.squared[m - 1]).length;
    }
    expect(ties).toBeGreaterThan(100); // the grid did produce ties to settle
  });

  it('sums the squared differences in dimension order, as the KDTree does', () => {
    // In order: 1e16 + 1 + 1 rounds to 1e16 twice; any other order would give 1e16 + 2.
    const points = Float64Array.of(1e8, 1, 1, 0, 0, 0);
    const list = new NearestList(2);
    scanNearest(points, 3, Float64Array.of(0, 0, 0), list);
    expect(pairs(list)).toEqual([
      [1, 0],
      [0, 1e16],
    ]);
  });
});
