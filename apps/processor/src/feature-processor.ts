import { Counter, Histogram, type Registry } from 'prom-client';
import { createLogger } from '@amato/common';
import { type Stream, type Topics } from '@amato/contracts';
import { contributionOf, type FeatureStore } from '@amato/features';
import type { BatchConsumer, KafkaService, RecordBatch } from '@amato/kafka';
import { ConsumerMetrics } from '@amato/metrics';
import { DeadLetterQueue, decodeBatch } from '@amato/stream';

/** The streams whose events change customer features or live sessions. */
export const FEATURE_STREAMS = ['customers', 'transactions', 'clickstream'] as const;

export interface FeatureProcessorOptions {
  readonly topics: Topics;
  readonly registry?: Registry;
}

/**
 * Turns batches of events into customer features and session journeys in Redis: decodes and
 * validates every record (invalid ones go to the DLQ with their reason), applies the valid
 * ones in one pipelined round trip (atomic per customer and per session, idempotent by event
 * id), and resolves only then, so the consumer commits the batch after Redis has it.
 */
export class FeatureProcessor {
  private readonly logger = createLogger(FeatureProcessor.name);
  private readonly streamOfTopic: Map<string, Stream>;
  private readonly deadLetters: DeadLetterQueue;
  private readonly consumerMetrics: ConsumerMetrics | undefined;
  private readonly applied: Counter<'result'>;
  private readonly eventLag: Histogram;

  constructor(
    private readonly kafka: KafkaService,
    private readonly store: FeatureStore,
    private readonly options: FeatureProcessorOptions,
  ) {
    this.streamOfTopic = new Map(FEATURE_STREAMS.map((s) => [options.topics[s], s]));
    this.deadLetters = new DeadLetterQueue(
      kafka,
      options.topics.dlq,
      'processor',
      options.registry,
    );
    this.consumerMetrics = options.registry ? new ConsumerMetrics(options.registry) : undefined;
    const registers = options.registry ? [options.registry] : [];
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

  /** One consumer in group `groupId` over the feature streams; instances scale out in it. */
  createConsumer(groupId: string, partitionsConsumedConcurrently: number): BatchConsumer {
    return this.kafka.createBatchConsumer({
      groupId,
      topics: FEATURE_STREAMS.map((s) => this.options.topics[s]),
      handler: this.consumerMetrics?.instrument(groupId, this.handleBatch) ?? this.handleBatch,
      partitionsConsumedConcurrently,
    });
  }

  readonly handleBatch = async (batch: RecordBatch): Promise<void> => {
    const stream = this.streamOfTopic.get(batch.topic);
    if (!stream) throw new Error(`the processor does not read topic ${batch.topic}`);
    const { valid, dead } = decodeBatch(batch, stream, 'processor');
    // Only the contributions and the send times are kept across the Redis round trip, not
    // the parsed events.
    const contributions = valid.map((r) => contributionOf(r.event));
    const sentAt = valid.map((r) => Number(r.record.timestamp));
    const result = await this.store.apply(contributions);
    await this.deadLetters.send(dead);
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
  };
}
