import { CommitPolicy } from './commit-policy';

function policy(intervalMs = 200) {
  const clock = { ms: 0 };
  return { clock, commits: new CommitPolicy(intervalMs, () => clock.ms) };
}

describe(CommitPolicy.name, () => {
  it('keeps the offset after the last handled batch of each partition, and takes them in one commit', () => {
    const { commits } = policy();
    const epoch = commits.epoch;
    commits.handled('t', 0, '10', epoch);
    commits.handled('t', 0, '25', epoch);
    commits.handled('t', 1, '7', epoch);
    commits.handled('u', 0, '3', epoch);
    expect(commits.take()).toEqual([
      {
        topic: 't',
        partitions: [
          { partition: 0, offset: '25' },
          { partition: 1, offset: '7' },
        ],
      },
      { topic: 'u', partitions: [{ partition: 0, offset: '3' }] },
    ]);
    expect(commits.take()).toBeUndefined();
    expect(commits.hasPending).toBe(false);
  });

  it('never moves a partition back when a lower offset is reported after a higher one', () => {
    const { commits } = policy();
    commits.handled('t', 0, '100', commits.epoch);
    commits.handled('t', 0, '40', commits.epoch);
    expect(commits.take()).toEqual([{ topic: 't', partitions: [{ partition: 0, offset: '100' }] }]);
  });

  it('compares offsets as 64-bit integers, not as strings', () => {
    const { commits } = policy();
    commits.handled('t', 0, '9', commits.epoch);
    commits.handled('t', 0, '10', commits.epoch);
    commits.handled('t', 1, '9007199254740993', commits.epoch);
    commits.handled('t', 1, '9007199254740992', commits.epoch);
    expect(commits.take()).toEqual([
      {
        topic: 't',
        partitions: [
          { partition: 0, offset: '10' },
          { partition: 1, offset: '9007199254740993' },
        ],
      },
    ]);
  });

  it('is due at first, then once the interval has passed since the last commit', () => {
    const { clock, commits } = policy(200);
    expect(commits.due).toBe(true);
    commits.take();
    expect(commits.due).toBe(false);
    clock.ms = 150;
    expect(commits.due).toBe(false);
    expect(commits.msUntilDue).toBe(50);
    clock.ms = 200;
    expect(commits.due).toBe(true);
    expect(commits.msUntilDue).toBe(0);
  });

  it('is always due with an interval of 0 (a commit after every batch)', () => {
    const { commits } = policy(0);
    commits.take();
    expect(commits.due).toBe(true);
  });

  it('hands over what was handled when a rebalance revokes the partitions', () => {
    const { commits } = policy();
    commits.handled('t', 0, '10', commits.epoch);
    commits.handled('t', 2, '4', commits.epoch);
    expect(commits.revoke()).toEqual([
      {
        topic: 't',
        partitions: [
          { partition: 0, offset: '10' },
          { partition: 2, offset: '4' },
        ],
      },
    ]);
    expect(commits.hasPending).toBe(false);
  });

  it('drops a batch that started before a revocation and finished after it', () => {
    const { commits } = policy();
    const before = commits.epoch;
    commits.revoke();
    commits.assigned();
    expect(commits.handled('t', 0, '50', before)).toBe(false);
    expect(commits.take()).toBeUndefined();
    // A batch of the new assignment counts.
    expect(commits.handled('t', 0, '60', commits.epoch)).toBe(true);
    expect(commits.take()).toEqual([{ topic: 't', partitions: [{ partition: 0, offset: '60' }] }]);
  });

  it('drops what is pending when the member rejoins without a rebalance being announced', () => {
    const { commits } = policy();
    commits.handled('t', 0, '10', commits.epoch);
    commits.assigned();
    expect(commits.take()).toBeUndefined();
  });

  it('drops a batch that finishes during a rebalance, before the new assignment', () => {
    const { commits } = policy();
    const during = commits.epoch;
    commits.revoke();
    expect(commits.handled('t', 1, '5', during)).toBe(false);
    expect(commits.hasPending).toBe(false);
  });
});
