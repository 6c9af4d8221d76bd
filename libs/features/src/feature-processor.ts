import { Counter, Histogram, type Registry } from 'prom-client';
import { createLogger } from '@amato/common';
import { type AmatoEvent, streamOf } from '@amato/contracts';
import type { ConsumerGroupSpec, Rejection, StreamBatch } from '@amato/stream';
import { type Contribution, contributionOf } from './ops';
import type { AppliedStates, FeatureStore } from './feature-store';

/** The streams whose events change customer features or live sessions. */
export const FEATURE_STREAMS = ['customers', 'transactions', 'clickstream'] as const;

/** True for an event of the feature streams: one the processor reads. */
export function onFeatureStream(event: AmatoEvent): boolean {
  return (FEATURE_STREAMS as readonly string[]).includes(streamOf(event.event_type));
}

/** One consumer group over the feature streams; more instances split its partitions. */
export function processorGroups(groupId: string): ConsumerGroupSpec[] {
  return [{ groupId, streams: FEATURE_STREAMS }];
}

/** A batch once in Redis: its events, their contributions and, when asked for, what it left. */
export interface AppliedBatch {
  readonly events: readonly AmatoEvent[];
  /** One per event, in order. */
  readonly contributions: readonly Contribution[];
  readonly states?: AppliedStates;
}

/** Runs once a batch is in Redis and before it is committed: scoring what it changed. */
export interface AfterApply {
  /** Whether this batch should come with the states it left (read in the apply's round trip). */
  wantsStates(): boolean;
  run(batch: AppliedBatch): Promise<unknown>;
}

/**
 * Turns the valid events of a batch into customer features and session journeys in Redis: one
 * pipelined round trip, atomic per customer and per session, idempotent by event id. Resolves
 * only once Redis has them, so the batch is committed after.
 */
export class FeatureProcessor {
  private readonly logger = createLogger(FeatureProcessor.name);
  private readonly applied: Counter<'result'>;
  private readonly eventLag: Histogram;

  constructor(
    private readonly store: FeatureStore,
    registry?: Registry,
    private readonly afterApply?: AfterApply,
  ) {
    const registers = registry ? [registry] : [];
    this.applied = new Counter({
      name: 'amato_processor_ops_total',
      help: 'Feature updates (one per customer or session an event touches), applied or skipped as already applied',
      labelNames: ['result'],
      registers,
    });
    this.eventLag = new Histogram({
      name: 'amato_processor_record_to_redis_seconds',
      help: 'From the record reaching Kafka (its timestamp) to its features being in Redis',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
  }

  readonly handle = async (batch: StreamBatch): Promise<Rejection[]> => {
    const contributions = batch.records.map((r) => contributionOf(r.event));
    const sentAt = batch.records.map((r) => Number(r.record.timestamp));
    const withStates = this.afterApply?.wantsStates() ?? false;
    const result = await this.store.apply(contributions, Date.now(), { withStates });
    if (this.afterApply) {
      await this.afterApply.run({
        events: batch.records.map((r) => r.event),
        contributions,
        ...(result.states ? { states: result.states } : {}),
      });
    }
    this.applied.inc({ result: 'applied' }, result.applied);
    this.applied.inc({ result: 'duplicate' }, result.duplicates);
    const now = Date.now();
    for (const sent of sentAt) this.eventLag.observe((now - sent) / 1000);
    if (result.duplicates > 0) {
      this.logger.debug(
        { topic: batch.topic, partition: batch.partition, duplicates: result.duplicates },
        'redelivered events skipped',
      );
    }
    return [];
  };
}
