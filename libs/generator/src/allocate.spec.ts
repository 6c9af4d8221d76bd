import { allocate } from './allocate';
import { Random, WeightedTable } from './random';

describe(allocate.name, () => {
  it('sums exactly to the total and follows the weights', () => {
    const counts = allocate(1000, [1, 2, 7], new Random(1));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(counts[2]).toBeGreaterThan(counts[1] ?? 0);
    expect(counts[1]).toBeGreaterThan(counts[0] ?? 0);
  });

  it('gives every slot its minimum (per slot too) and never more than the maximum', () => {
    const counts = allocate(50, [0, 0, 1, 1], new Random(2), {
      minimum: [5, 1, 1, 1],
      maximum: 30,
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(counts[0]).toBe(5);
    expect(counts[1]).toBe(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(30);
  });

  it('refuses a total the bounds cannot hold, saying why', () => {
    expect(() => allocate(3, [1, 1], new Random(3), { minimum: 2 })).toThrow(
      'cannot allocate 3 over 2 slots (at least 4 in all, at most Infinity each)',
    );
  });
});

describe(Random.name, () => {
  it('repeats its sequence for a seed', () => {
    const a = new Random(99);
    const b = new Random(99);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(
      Array.from({ length: 5 }, () => b.next()),
    );
  });

  it('draws UUIDs of version-4 shape', () => {
    const random = new Random(1);
    const ids = Array.from({ length: 1000 }, () => random.uuid());
    expect(new Set(ids.map((id) => id.slice(-4))).size).toBeGreaterThan(900);
    expect(new Random(1).uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('draws binomial counts around n·p', () => {
    const r = new Random(5);
    const mean =
      Array.from({ length: 2000 }, () => r.binomial(1000, 0.1)).reduce((a, b) => a + b, 0) / 2000;
    expect(mean).toBeGreaterThan(97);
    expect(mean).toBeLessThan(103);
  });
});

describe(WeightedTable.name, () => {
  it('draws in proportion to the weights', () => {
    const table = new WeightedTable([
      ['a', 1],
      ['b', 3],
    ] as const);
    const r = new Random(4);
    const draws = Array.from({ length: 20_000 }, () => table.sample(r));
    const share = draws.filter((d) => d === 'b').length / draws.length;
    expect(share).toBeGreaterThan(0.73);
    expect(share).toBeLessThan(0.77);
  });
});
