import { compareCounts } from './main';

describe('compareCounts', () => {
  it('puts each table beside the generated count and names those that differ', () => {
    const stored = { customers: 200, transactions: 1_000, sessions: 2_000 };
    const { lines, differing } = compareCounts(stored, {
      customers: 200,
      transactions: 999,
      sessions: 2_000,
    });
    expect(differing).toEqual(['transactions']);
    expect(lines.find((l) => l.includes('transactions'))).toMatch(/1,000 +999 +≠$/);
    expect(lines.find((l) => l.includes('customers'))).not.toMatch(/≠/);
    expect(lines).toContain('  MongoDB');
  });

  it('lists the stored counts alone when there is nothing to compare with', () => {
    const { lines, differing } = compareCounts({ customers: 5 }, undefined);
    expect(differing).toEqual([]);
    expect(lines.find((l) => l.includes('customers'))).toMatch(/customers +5$/);
  });
});
