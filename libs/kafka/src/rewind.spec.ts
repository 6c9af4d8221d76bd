import { planRewind } from './rewind';

const partitions = [
  { partition: 0, low: 0, high: 100 },
  { partition: 1, low: 20, high: 50 },
  { partition: 2, low: 0, high: 10 },
];

describe(planRewind.name, () => {
  it('goes back to the offsets at the time, and says how many records are read again', () => {
    const committed = new Map([
      [0, '100'],
      [1, '50'],
      [2, '10'],
    ]);
    const atTime = new Map([
      [0, 60],
      [1, 30],
      [2, 10],
    ]);
    expect(planRewind('t', partitions, committed, atTime)).toEqual([
      { topic: 't', partition: 0, committed: 100, to: 60, replayed: 40 },
      { topic: 't', partition: 1, committed: 50, to: 30, replayed: 20 },
      { topic: 't', partition: 2, committed: 10, to: 10, replayed: 0 },
    ]);
  });

  it('never moves a group forward, nor before the log start', () => {
    const committed = new Map([
      [0, '40'],
      [1, '30'],
      [2, '5'],
    ]);
    const atTime = new Map([
      [0, 60],
      [1, 5],
    ]);
    expect(planRewind('t', partitions, committed, atTime).map((p) => p.to)).toEqual([40, 20, 5]);
  });

  it('goes back to the start of each log for a rebuild', () => {
    const committed = new Map([
      [0, '100'],
      [1, '50'],
    ]);
    expect(planRewind('t', partitions, committed, 'beginning')).toEqual([
      { topic: 't', partition: 0, committed: 100, to: 0, replayed: 100 },
      { topic: 't', partition: 1, committed: 50, to: 20, replayed: 30 },
      { topic: 't', partition: 2, committed: null, to: 0, replayed: 0 },
    ]);
  });
});
