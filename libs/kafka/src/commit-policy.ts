/** Offsets to commit, by topic: for each partition the offset of the next record to read. */
export type CommitOffsets = {
  topic: string;
  partitions: { partition: number; offset: string }[];
}[];

/**
 * When a batch consumer commits, and what: the pure part of the consumer, with no broker.
 *
 * - A handled batch leaves the offset after its last record pending; pending offsets are
 *   committed together, at most every `intervalMs` (0: after every batch), and on stop.
 * - Pending offsets belong to one assignment. A rebalance revokes every partition (KafkaJS's
 *   group protocol is eager): what was handled is taken to be committed before the member
 *   rejoins, and a batch that finishes after that is dropped, not committed: the partition may
 *   belong to another member by then, and a commit in the new generation would move that
 *   member's committed position. Its records are delivered again; the handlers are idempotent.
 * - Each assignment is an epoch; a batch records the epoch it started in, and its result counts
 *   only in that epoch.
 */
export class CommitPolicy {
  private currentEpoch = 0;
  private pending = new Map<string, Map<number, string>>();
  private lastCommitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The assignment a batch starting now belongs to. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /**
   * A batch of `epoch` handled up to `nextOffset` (exclusive). Returns false, and keeps nothing,
   * when its assignment has been revoked since it started.
   */
  handled(topic: string, partition: number, nextOffset: string, epoch: number): boolean {
    if (epoch !== this.currentEpoch) return false;
    let partitions = this.pending.get(topic);
    if (!partitions) {
      partitions = new Map();
      this.pending.set(topic, partitions);
    }
    const known = partitions.get(partition);
    // Batches of one partition are handled in order; a lower offset would move the commit back.
    if (known === undefined || BigInt(nextOffset) > BigInt(known))
      partitions.set(partition, nextOffset);
    return true;
  }

  /** Whether a commit is due now (the interval has passed since the last one). */
  get due(): boolean {
    return this.intervalMs === 0 || this.now() - this.lastCommitAt >= this.intervalMs;
  }

  /** Milliseconds until a commit is due (0 when it is). */
  get msUntilDue(): number {
    return Math.max(0, this.lastCommitAt + this.intervalMs - this.now());
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Takes every pending offset to commit now (undefined when there is none), as a commit. */
  take(): CommitOffsets | undefined {
    this.lastCommitAt = this.now();
    if (this.pending.size === 0) return undefined;
    const offsets = [...this.pending].map(([topic, partitions]) => ({
      topic,
      partitions: [...partitions].map(([partition, offset]) => ({ partition, offset })),
    }));
    this.pending = new Map();
    return offsets;
  }

  /**
   * A rebalance began: every partition is revoked. Returns what was handled, to commit in the
   * generation that is ending; batches of this epoch that finish later are dropped.
   */
  revoke(): CommitOffsets | undefined {
    const handled = this.take();
    this.currentEpoch += 1;
    return handled;
  }

  /**
   * The member (re)joined with a new assignment. Anything still pending belongs to the previous
   * one (a rejoin that no rebalance announced, e.g. after the member was forgotten) and is
   * dropped.
   */
  assigned(): void {
    this.pending = new Map();
    this.currentEpoch += 1;
  }
}
