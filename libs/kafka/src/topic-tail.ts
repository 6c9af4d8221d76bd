/** One record as a tail keeps it: where it sits, when it was written, and its text. */
export interface TailedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Broker or producer time, epoch ms. */
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string;
}

export interface TopicTailOptions {
  /** A group of the tail's own: it reads every partition and never commits. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /** How many of the newest records of each topic it keeps (and reads back when it starts). */
  readonly keep: number;
}

/**
 * The newest records of some topics, kept as they arrive, and a feed of new ones: what a live
 * view reads (the dead letters, the predictions) without a consumer group of its own per viewer.
 */
export interface TopicTail {
  /** Joins, reads back the last `keep` of each topic and follows; a failed start can be retried. */
  start(): Promise<void>;
  /** The records kept of a topic, oldest first. */
  recent(topic: string): readonly TailedRecord[];
  /** Calls the listener with every record that arrives from now on; returns its unsubscribe. */
  subscribe(listener: (record: TailedRecord) => void): () => void;
  stop(): Promise<void>;
}

/**
 * The pure half of a tail: the newest `keep` records per topic, each record once however often
 * it is delivered (a rejoin seeks back and delivers again), and the listeners told of new ones.
 */
export class TailBuffer {
  private readonly kept = new Map<string, TailedRecord[]>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly listeners = new Set<(record: TailedRecord) => void>();

  constructor(private readonly keep: number) {
    if (!Number.isInteger(keep) || keep < 1) {
      throw new RangeError(`a tail keeps at least 1 record per topic, got ${keep}`);
    }
  }

  /** Adds a record; false (and nobody told) when it is already kept or older than all kept. */
  add(record: TailedRecord): boolean {
    const id = `${record.partition}:${record.offset}`;
    let seen = this.seen.get(record.topic);
    if (!seen) this.seen.set(record.topic, (seen = new Set()));
    if (seen.has(id)) return false;
    let kept = this.kept.get(record.topic);
    if (!kept) this.kept.set(record.topic, (kept = []));
    // Oldest first by time: the read-back interleaves partitions in no particular order.
    const oldest = kept[0];
    if (kept.length >= this.keep && oldest && record.timestamp < oldest.timestamp) return false;
    let at = kept.length;
    while (at > 0 && (kept[at - 1]?.timestamp ?? 0) > record.timestamp) at--;
    kept.splice(at, 0, record);
    seen.add(id);
    if (kept.length > this.keep) {
      const dropped = kept.shift();
      if (dropped) seen.delete(`${dropped.partition}:${dropped.offset}`);
    }
    for (const listener of this.listeners) listener(record);
    return true;
  }

  recent(topic: string): readonly TailedRecord[] {
    return [...(this.kept.get(topic) ?? [])];
  }

  subscribe(listener: (record: TailedRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}

/**
 * Where a tail starts reading each partition so that the topic's newest `keep` records are
 * read back: `keep` spread over the partitions is not enough when they are uneven, so each
 * partition goes back `keep` (never before its start); the buffer keeps the newest anyway.
 */
export function tailStartOffsets(
  partitions: readonly { partition: number; low: number; high: number }[],
  keep: number,
): { partition: number; offset: number }[] {
  return partitions.map((p) => ({
    partition: p.partition,
    offset: Math.max(p.low, p.high - keep),
  }));
}
