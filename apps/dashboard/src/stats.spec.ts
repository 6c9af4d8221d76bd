import {
  formatMoney,
  formatNumber,
  formatPercent,
  histogram,
  histogramLabels,
  messageRates,
  SegmentTally,
  Window,
} from './stats';

describe('messageRates', () => {
  it('gives messages per second between two looks, and none on the first', () => {
    const first = { at: 10_000, ends: new Map([['a', 100]]) };
    expect(messageRates(undefined, first)).toEqual(new Map([['a', null]]));
    const second = {
      at: 15_000,
      ends: new Map([
        ['a', 600],
        ['b', 7],
      ]),
    };
    expect(messageRates(first, second)).toEqual(
      new Map([
        ['a', 100],
        ['b', null],
      ]),
    );
  });

  it('gives no rate across a topic created again, or two looks at the same moment', () => {
    const before = { at: 1_000, ends: new Map([['a', 500]]) };
    expect(messageRates(before, { at: 2_000, ends: new Map([['a', 10]]) }).get('a')).toBeNull();
    expect(messageRates(before, { at: 1_000, ends: new Map([['a', 900]]) }).get('a')).toBeNull();
  });
});

describe('histogram', () => {
  it('counts values in equal bins over [0, 1], with 1 in the last', () => {
    expect(histogram([0, 0.05, 0.1, 0.55, 0.999, 1], 10)).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it('leaves out what is not a probability', () => {
    expect(histogram([-0.1, 1.1, Number.NaN, 0.5], 2)).toEqual([0, 1]);
  });

  it.each([0, 1.5])('refuses %p bins', (bins) => {
    expect(() => histogram([], bins)).toThrow(RangeError);
  });

  it('labels the bins in percent', () => {
    expect(histogramLabels(4)).toEqual(['0–25%', '25–50%', '50–75%', '75–100%']);
  });
});

describe('SegmentTally', () => {
  const p = (customer_id: string, segment_type: string, features_updated_at: string) => ({
    customer_id,
    segment_type,
    features_updated_at,
  });

  it("counts each customer's current segment, the later state winning whatever the order", () => {
    const tally = new SegmentTally();
    tally.add(p('C1', 'Loyal', '2026-01-01T00:00:02Z'));
    tally.add(p('C1', 'New', '2026-01-01T00:00:01Z'));
    tally.add(p('C2', 'New', '2026-01-01T00:00:01Z'));
    tally.add(p('C3', 'At Risk', '2026-01-01T00:00:01Z'));
    tally.add(p('C3', 'Loyal', '2026-01-01T00:00:05Z'));
    expect(tally.counts()).toEqual([
      ['Loyal', 2],
      ['New', 1],
    ]);
    expect(tally.customers).toBe(3);
  });
});

describe('Window', () => {
  it('keeps the last points', () => {
    const w = new Window<number>(3);
    for (const n of [1, 2, 3, 4]) w.push(n);
    expect(w.values).toEqual([2, 3, 4]);
  });
});

describe('formatting', () => {
  it('writes numbers, money and shares for people, and a dash for none', () => {
    expect(formatNumber(12345.678)).toBe('12,345.68');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatMoney(1999.5)).toBe('2,000');
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(undefined)).toBe('—');
  });
});
