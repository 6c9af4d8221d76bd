import type { Problem } from '@amato/common';
import type { Stream } from '@amato/contracts';
import type { Received } from './decode-batch';

/** The streams a service consumes: every stream but the DLQ. */
export type ConsumedStream = Exclude<Stream, 'dlq'>;

/**
 * What an `@EventPattern(<stream>)` handler receives: the valid, decoded events of one batch of
 * one partition (or of a part of it, when a failing batch is split to isolate a bad record), in
 * offset order. Records that failed validation are already on their way to the DLQ.
 */
export interface StreamBatch {
  readonly stream: ConsumedStream;
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly Received[];
  /** The offset of the fetched batch's last record, and the partition's high watermark then. */
  readonly lastOffset: string;
  readonly highWatermark: string;
}

/** A record the handler refuses for good (a store refused its data, its parent never came). */
export interface Rejection {
  readonly received: Received;
  /** `<service>:<step>`, e.g. `sink:write`. */
  readonly stage: string;
  readonly reason: string;
  readonly problems?: readonly Problem[];
}

/**
 * Handles a batch: resolves once its effects are durable, with the records it refused (they go
 * to the DLQ), or rejects to have it retried. Must be idempotent: a batch can be handled again
 * after a crash, a failed commit, a rebalance or a retry.
 */
export type StreamHandler = (batch: StreamBatch) => Promise<readonly Rejection[]>;

/** One consumer group of a service and the streams it reads. */
export interface ConsumerGroupSpec {
  readonly groupId: string;
  readonly streams: readonly ConsumedStream[];
}
