import { TailBuffer, type TailedRecord, tailStartOffsets } from './topic-tail';

const record = (over: Partial<TailedRecord> = {}): TailedRecord => ({
  topic: 't',
  partition: 0,
  offset: 0,
  timestamp: 1_000,
  key: null,
  value: '{}',
  ...over,
});

describe('TailBuffer', () => {
  it('keeps the newest records of each topic, oldest first, and tells listeners of each new one', () => {
    const buffer = new TailBuffer(3);
    const heard: number[] = [];
    buffer.subscribe((r) => heard.push(r.offset));
    for (let i = 0; i < 5; i++) buffer.add(record({ offset: i, timestamp: 1_000 + i }));
    buffer.add(record({ topic: 'u', offset: 9, timestamp: 5 }));
    expect(buffer.recent('t').map((r) => r.offset)).toEqual([2, 3, 4]);
    expect(buffer.recent('u').map((r) => r.offset)).toEqual([9]);
    expect(buffer.recent('none')).toEqual([]);
    expect(heard).toEqual([0, 1, 2, 3, 4, 9]);
  });

  it('takes a record delivered again (a rejoin seeks back) once', () => {
    const buffer = new TailBuffer(10);
    const heard: number[] = [];
    buffer.subscribe((r) => heard.push(r.offset));
    expect(buffer.add(record({ offset: 1 }))).toBe(true);
    expect(buffer.add(record({ offset: 1 }))).toBe(false);
    // The same offset on another partition is another record.
    expect(buffer.add(record({ offset: 1, partition: 1 }))).toBe(true);
    expect(heard).toEqual([1, 1]);
    expect(buffer.recent('t')).toHaveLength(2);
  });

  it('orders by time across partitions read back in any order, and drops what is older than all it keeps', () => {
    const buffer = new TailBuffer(3);
    buffer.add(record({ partition: 1, offset: 0, timestamp: 30 }));
    buffer.add(record({ partition: 1, offset: 1, timestamp: 50 }));
    buffer.add(record({ partition: 0, offset: 0, timestamp: 10 }));
    buffer.add(record({ partition: 0, offset: 1, timestamp: 40 }));
    expect(buffer.recent('t').map((r) => r.timestamp)).toEqual([30, 40, 50]);
    expect(buffer.add(record({ partition: 0, offset: 7, timestamp: 5 }))).toBe(false);
    expect(buffer.recent('t').map((r) => r.timestamp)).toEqual([30, 40, 50]);
    // An evicted record delivered again stays out.
    expect(buffer.add(record({ partition: 0, offset: 0, timestamp: 10 }))).toBe(false);
  });

  it('stops telling a listener that unsubscribed', () => {
    const buffer = new TailBuffer(2);
    const heard: number[] = [];
    const off = buffer.subscribe((r) => heard.push(r.offset));
    expect(buffer.subscribers).toBe(1);
    buffer.add(record({ offset: 1 }));
    off();
    buffer.add(record({ offset: 2 }));
    expect(heard).toEqual([1]);
    expect(buffer.subscribers).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses to keep %p records', (keep) => {
    expect(() => new TailBuffer(keep)).toThrow(/at least 1 record/);
  });
});

describe('tailStartOffsets', () => {
  it('goes back `keep` on each partition, never before its start', () => {
    expect(
      tailStartOffsets(
        [
          { partition: 0, low: 0, high: 100 },
          { partition: 1, low: 95, high: 100 },
          { partition: 2, low: 0, high: 3 },
          { partition: 3, low: 7, high: 7 },
        ],
        10,
      ),
    ).toEqual([
      { partition: 0, offset: 90 },
      { partition: 1, offset: 95 },
      { partition: 2, offset: 0 },
      { partition: 3, offset: 7 },
    ]);
  });
});
