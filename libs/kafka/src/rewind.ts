/** One partition of a rewind: where the group stands, where it goes back to, what it reads again. */
export interface PartitionRewind {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset; null where it has committed nothing (it reads from the start). */
  readonly committed: number | null;
  /** Where the group resumes: the first record at or after the time, never past `committed`. */
  readonly to: number;
  /** Records it reads again. */
  readonly replayed: number;
}

/**
 * Where a group goes back to, per partition of a topic: to `target` (the first offset at or
 * after a time, or the log's start), and never forward: a partition whose committed offset
 * is already earlier stays where it is. A partition with nothing committed is left alone too:
 * the group will read it from its start anyway.
 */
export function planRewind(
  topic: string,
  partitions: readonly { partition: number; low: number; high: number }[],
  committed: ReadonlyMap<number, string>,
  target: ReadonlyMap<number, number> | 'beginning',
): PartitionRewind[] {
  return partitions.map(({ partition, low, high }) => {
    const raw = Number(committed.get(partition) ?? '-1');
    const done = raw >= 0 ? raw : null;
    const at = target === 'beginning' ? low : (target.get(partition) ?? high);
    const to = done === null ? low : Math.max(low, Math.min(done, at));
    return { topic, partition, committed: done, to, replayed: done === null ? 0 : done - to };
  });
}
