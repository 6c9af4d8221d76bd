/**
 * The client-neutral shapes the rest of AMATO uses. KafkaJS sits behind them (kafka.service.ts),
 * so a faster client can be measured against it without touching the apps.
 */
export interface KafkaRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly offset: string;
  /** Broker or producer timestamp in epoch ms, as a string (Kafka's int64). */
  readonly timestamp: string;
}

export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
  /** The partition's high watermark when the batch was fetched: the offset after its last record. */
  readonly highWatermark: string;
}

/**
 * Processes one batch of one partition. When it resolves, the batch's offsets are committed;
 * when it rejects, nothing is committed and the batch is delivered again (at-least-once).
 */
export type BatchHandler = (batch: RecordBatch) => Promise<void>;

export interface BatchConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: BatchHandler;
  /** Where a group with no committed offset starts. Default: the earliest offset. */
  readonly fromBeginning?: boolean;
  /** Partitions processed at once by this instance; bounds the work in flight. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
}

export interface BatchConsumer {
  /** Joins the group and starts consuming; resolves once running. */
  start(): Promise<void>;
  /** Stops fetching, lets the batch in flight finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

export interface OutgoingRecord {
  readonly key: string | null;
  readonly value: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly config?: Readonly<Record<string, string>>;
}
