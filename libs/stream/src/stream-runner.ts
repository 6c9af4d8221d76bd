import { Counter, type Registry } from 'prom-client';
import { createLogger, describeCause, isTransientError } from '@amato/common';
import { type Topics } from '@amato/contracts';
import type { BatchConsumer, KafkaService, RecordBatch } from '@amato/kafka';
import { deadLetterOf, DeadLetterQueue } from './dead-letters';
import { decodeBatch, type Received } from './decode-batch';
import { DEFAULT_RETRY_POLICY, retryIsolating, type RetryPolicy } from './retry-isolating';
import type {
  ConsumedStream,
  ConsumerGroupSpec,
  Rejection,
  StreamBatch,
  StreamHandler,
} from './stream-batch';

export interface StreamRunnerOptions {
  /** The service's name: the first part of its DLQ stages (`<service>:validate`, ...). */
  readonly service: string;
  readonly topics: Topics;
  readonly groups: readonly ConsumerGroupSpec[];
  /** Partitions each consumer handles at once; bounds the work in flight. */
  readonly partitionsConcurrently: number;
  readonly retry?: RetryPolicy;
  readonly registry?: Registry;
}

/**
 * What every stream service does around its handlers, written once: one batch consumer per
 * group, each batch decoded and validated (invalid records to the DLQ), handed to the stream's
 * handler with bounded retries (transient errors wait for the dependency; any other error is
 * retried, then the batch is split until the records that fail alone are isolated and sent to
 * the DLQ at `<service>:exhausted`), the dead letters published, and only then the batch
 * committed. `stop` drains: batches in flight finish and commit, then the consumers leave.
 */
export class StreamRunner {
  private readonly logger = createLogger(StreamRunner.name);
  private readonly deadLetters: DeadLetterQueue;
  private readonly streamOfTopic: Map<string, ConsumedStream>;
  private readonly consumers: BatchConsumer[] = [];
  private readonly retries: Counter<'service' | 'kind'>;
  private stopping = false;

  constructor(
    private readonly kafka: KafkaService,
    private readonly options: StreamRunnerOptions,
    private readonly handlerOf: (stream: ConsumedStream) => StreamHandler,
  ) {
    this.deadLetters = new DeadLetterQueue(
      kafka,
      options.topics.dlq,
      options.service,
      options.registry,
    );
    this.streamOfTopic = new Map(
      options.groups.flatMap((g) => g.streams.map((s) => [options.topics[s], s] as const)),
    );
    this.retries = new Counter({
      name: 'amato_stream_batch_retries_total',
      help: 'Batch handlings retried (kind: transient, failed) or split to isolate a bad record (kind: split)',
      labelNames: ['service', 'kind'],
      registers: options.registry ? [options.registry] : [],
    });
  }

  /** Creates the consumers and joins their groups; resolves once all are running. */
  async start(): Promise<void> {
    for (const group of this.options.groups) {
      const handlers = new Map(group.streams.map((s) => [s, this.handlerOf(s)] as const));
      this.consumers.push(
        this.kafka.createBatchConsumer({
          groupId: group.groupId,
          topics: group.streams.map((s) => this.options.topics[s]),
          partitionsConsumedConcurrently: this.options.partitionsConcurrently,
          handler: (batch) => this.deliver(group.groupId, batch, handlers),
        }),
      );
    }
    await Promise.all(this.consumers.map((c) => c.start()));
  }

  /** Stops fetching, lets the batches in flight finish and commit, and leaves the groups. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  private async deliver(
    groupId: string,
    batch: RecordBatch,
    handlers: ReadonlyMap<ConsumedStream, StreamHandler>,
  ): Promise<void> {
    const stream = this.streamOfTopic.get(batch.topic);
    const handler = stream && handlers.get(stream);
    if (!stream || !handler)
      throw new Error(`the ${this.options.service} does not read topic ${batch.topic}`);
    const { service } = this.options;
    const { valid, dead } = decodeBatch(batch, stream, service);
    const base = {
      stream,
      groupId,
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: batch.records.at(-1)?.offset ?? '-1',
      highWatermark: batch.highWatermark,
    };
    const context = { groupId, topic: batch.topic, partition: batch.partition };
    const { results, exhausted } = await retryIsolating<Received, Rejection>(
      valid,
      (records) => handler({ ...base, records } satisfies StreamBatch),
      this.options.retry ?? DEFAULT_RETRY_POLICY,
      {
        isTransient: isTransientError,
        stopping: () => this.stopping,
        onRetry: ({ transient, attempt, size, error }) => {
          this.retries.inc({ service, kind: transient ? 'transient' : 'failed' });
          this.logger.warn(
            { ...context, attempt, records: size, err: describeCause(error) },
            transient
              ? 'a dependency is unavailable; retrying the batch'
              : 'handling a batch failed; retrying it',
          );
        },
        onSplit: ({ size, error }) => {
          this.retries.inc({ service, kind: 'split' });
          this.logger.warn(
            { ...context, records: size, err: describeCause(error) },
            'a batch keeps failing; splitting it to find the records that cause it',
          );
        },
      },
    );
    const refused = [
      ...results,
      ...exhausted.map(({ item, error, attempts }): Rejection => {
        const reason = `failed ${attempts} times on its own: ${describeCause(error)}`;
        return { received: item, stage: `${service}:exhausted`, reason };
      }),
    ];
    for (const r of refused) {
      dead.push(
        deadLetterOf(
          batch,
          r.received.record,
          r.stage,
          r.reason,
          r.problems ?? [{ path: '(record)', message: r.reason }],
          r.received.event.event_type,
          r.received.event.event_id,
        ),
      );
    }
    // The letters are durable before the batch is committed.
    await this.deadLetters.send(dead);
  }
}
