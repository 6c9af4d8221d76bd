import { setTimeout as sleep } from 'node:timers/promises';
import { backOff } from 'exponential-backoff';
import { Counter, type Registry } from 'prom-client';
import {
  type AmatoEvent,
  type EventEnvelope,
  type EventType,
  type Stream,
  type Topics,
} from '@amato/contracts';
import { createLogger } from '@amato/common';
import { deadLetterOf, DeadLetterQueue, decodeBatch } from '@amato/stream';
import { ConsumerMetrics } from '@amato/metrics';
import type { BatchConsumer, KafkaService, RecordBatch } from '@amato/kafka';
import type { MongoService } from '@amato/mongo';
import type { MysqlService } from '@amato/mysql';
import type { PostgresService } from '@amato/postgres';
import { MongoWriter } from './mongo.writer';
import { MysqlWriter } from './mysql.writer';
import { PostgresWriter } from './postgres.writer';
import type { Rejected, StoreTargets } from './store-targets';
import { errorMessage, isPermanentWriteError } from './write-errors';

export interface SinkOptions {
  readonly topics: Topics;
  readonly targets: StoreTargets;
  /** How long rows wait for a parent (a customer, campaign or test) still on its way. */
  readonly parentWaitMs: number;
  readonly registry?: Registry;
}

function ofType<K extends EventType>(
  events: readonly AmatoEvent[],
  ...types: K[]
): EventEnvelope<K>[] {
  return events.filter((e) =>
    (types as EventType[]).includes(e.event_type),
  ) as unknown as EventEnvelope<K>[];
}

/**
 * Persists one batch of one partition: decodes and validates every record, writes the valid
 * ones to their store as idempotent bulk upserts, and sends every refused record to the DLQ
 * with its reason. Resolves only when the writes and the dead letters are durable, so the
 * consumer commits the batch only then (at-least-once in, idempotent out).
 */
export class Sink {
  private readonly logger = createLogger(Sink.name);
  private readonly mysql: MysqlWriter;
  private readonly postgres: PostgresWriter;
  private readonly mongo: MongoWriter;
  private readonly streamOfTopic: Map<string, Stream>;
  private readonly consumerMetrics: ConsumerMetrics | undefined;
  private readonly written: Counter<'stream'>;
  private readonly deadLetters: DeadLetterQueue;
  private readonly writeRetries: Counter;

  constructor(
    private readonly kafka: KafkaService,
    mysql: MysqlService,
    postgres: PostgresService,
    mongo: MongoService,
    private readonly options: SinkOptions,
  ) {
    this.mysql = new MysqlWriter(mysql, options.targets.mysqlDatabase);
    this.postgres = new PostgresWriter(postgres, options.targets.postgresSchema);
    this.mongo = new MongoWriter(mongo, options.targets.mongoDatabase);
    this.streamOfTopic = new Map(
      Object.entries(options.topics).map(([stream, topic]) => [topic, stream as Stream]),
    );
    const registers = options.registry ? [options.registry] : [];
    this.writeRetries = new Counter({
      name: 'amato_sink_write_retries_total',
      help: 'Writes retried after a transient store error (deadlock, timeout, lost connection)',
      registers,
    });
    this.consumerMetrics = options.registry ? new ConsumerMetrics(options.registry) : undefined;
    this.written = new Counter({
      name: 'amato_sink_events_written_total',
      help: 'Events written to their store',
      labelNames: ['stream'],
      registers,
    });
    this.deadLetters = new DeadLetterQueue(kafka, options.topics.dlq, 'sink', options.registry);
  }

  /**
   * One consumer per stream, each its own group (`<groupPrefix>.<stream>`), so the streams make
   * progress independently: an order waiting for its customer never holds up the customers.
   */
  createConsumers(groupPrefix: string, partitionsConsumedConcurrently = 3): BatchConsumer[] {
    return (['customers', 'transactions', 'campaigns', 'clickstream'] as const).map((stream) => {
      const groupId = `${groupPrefix}.${stream}`;
      return this.kafka.createBatchConsumer({
        groupId,
        topics: [this.options.topics[stream]],
        handler: this.consumerMetrics?.instrument(groupId, this.handleBatch) ?? this.handleBatch,
        partitionsConsumedConcurrently,
      });
    });
  }

  readonly handleBatch = async (batch: RecordBatch): Promise<void> => {
    const stream = this.streamOfTopic.get(batch.topic);
    if (!stream || stream === 'dlq') throw new Error(`the sink does not read topic ${batch.topic}`);
    const { valid, dead } = decodeBatch(batch, stream, 'sink');
    const received = new Map(valid.map((r) => [r.event.event_id, r]));
    const rejected = await this.write(
      stream,
      valid.map((r) => r.event),
    );
    for (const { eventId, reason } of rejected) {
      const origin = received.get(eventId);
      if (origin) {
        const problems = [{ path: '(record)', message: reason }];
        dead.push(
          deadLetterOf(
            batch,
            origin.record,
            'sink:write',
            reason,
            problems,
            origin.event.event_type,
            eventId,
          ),
        );
      }
    }
    await this.deadLetters.send(dead);
    this.written.inc({ stream }, valid.length - rejected.length);
  };

  private async write(
    stream: Exclude<Stream, 'dlq'>,
    events: readonly AmatoEvent[],
  ): Promise<Rejected[]> {
    if (events.length === 0) return [];
    switch (stream) {
      case 'customers':
        return this.isolating(ofType(events, 'customer.created', 'customer.updated'), (part) =>
          this.mysql.writeCustomers(part),
        );
      case 'transactions': {
        const orders = ofType(events, 'transaction.created');
        const { ready, missing } = await this.withParents(
          orders,
          (e) => e.payload.customer_id,
          'customer',
          (ids) => this.mysql.existingCustomers(ids),
        );
        return [
          ...missing,
          ...(await this.isolating(ready, (part) => this.mysql.writeTransactions(part))),
        ];
      }
      case 'campaigns': {
        const rejected = await this.isolating(ofType(events, 'campaign.upserted'), (part) =>
          this.postgres.writeCampaigns(part),
        );
        const campaigns = (ids: readonly string[]) =>
          this.postgres.existing('campaigns', 'campaign_id', ids);
        const tests = ofType(events, 'ab_test.upserted');
        const testParents = await this.withParents(
          tests.filter((t) => t.payload.campaign_id !== null),
          (e) => e.payload.campaign_id ?? '',
          'campaign',
          campaigns,
        );
        rejected.push(...testParents.missing);
        const readyTests = [
          ...tests.filter((t) => t.payload.campaign_id === null),
          ...testParents.ready,
        ];
        rejected.push(
          ...(await this.isolating(readyTests, (part) => this.postgres.writeAbTests(part))),
        );
        const performance = await this.withParents(
          ofType(events, 'campaign.performance.recorded'),
          (e) => e.payload.campaign_id,
          'campaign',
          campaigns,
        );
        rejected.push(
          ...performance.missing,
          ...(await this.isolating(performance.ready, (part) =>
            this.postgres.writePerformance(part),
          )),
        );
        const results = await this.withParents(
          ofType(events, 'ab_test.result.recorded'),
          (e) => e.payload.test_id,
          'A/B test',
          (ids) => this.postgres.existing('ab_tests', 'test_id', ids),
        );
        rejected.push(
          ...results.missing,
          ...(await this.isolating(results.ready, (part) => this.postgres.writeAbResults(part))),
        );
        return rejected;
      }
      case 'clickstream':
        return this.isolating([...events], (part) => this.mongo.write(part));
    }
  }

  /**
   * Rows whose parent has not landed yet (topics are consumed independently, so a customer's
   * order can be read before the customer) wait, with backoff, up to parentWaitMs; then they
   * are refused with the missing parent named.
   */
  private async withParents<E extends AmatoEvent>(
    events: readonly E[],
    parentOf: (e: E) => string,
    what: string,
    existing: (ids: readonly string[]) => Promise<Set<string>>,
  ): Promise<{ ready: E[]; missing: Rejected[] }> {
    const deadline = Date.now() + this.options.parentWaitMs;
    let found = await existing(events.map(parentOf));
    for (
      let pause = 50;
      events.some((e) => !found.has(parentOf(e))) && Date.now() < deadline;
      pause = Math.min(pause * 2, 2_000)
    ) {
      await sleep(pause);
      found = await existing(events.map(parentOf));
    }
    return {
      ready: events.filter((e) => found.has(parentOf(e))),
      missing: events
        .filter((e) => !found.has(parentOf(e)))
        .map((e) => ({
          eventId: e.event_id,
          reason: `${what} ${parentOf(e)} does not exist (waited ${this.options.parentWaitMs} ms for it)`,
        })),
    };
  }

  /**
   * Writes events in one go; when the store refuses the data itself, writes them one by one so
   * that only the refused ones are rejected. Transient errors propagate: the batch is retried.
   */
  private async isolating<E extends AmatoEvent>(
    events: readonly E[],
    write: (part: readonly E[]) => Promise<void>,
  ): Promise<Rejected[]> {
    if (events.length === 0) return [];
    try {
      await this.retryingTransient(() => write(events));
      return [];
    } catch (err) {
      if (!isPermanentWriteError(err)) throw err;
      if (events.length === 1)
        return [
          {
            eventId: (events[0] as E).event_id,
            reason: `refused by the store: ${errorMessage(err)}`,
          },
        ];
      this.logger.warn(
        { events: events.length, err: errorMessage(err) },
        'a batch was refused; writing its events one by one',
      );
      const rejected: Rejected[] = [];
      for (const event of events) rejected.push(...(await this.isolating([event], write)));
      return rejected;
    }
  }

  /**
   * A deadlock, a timeout or a lost connection is retried here with exponential backoff and
   * jitter (0.1 s, 0.2 s, … up to 5 attempts); a refusal of the data is not. After the last
   * attempt the error fails the batch, which is then delivered again from its committed offset.
   */
  private retryingTransient(write: () => Promise<void>): Promise<void> {
    return backOff(write, {
      numOfAttempts: 5,
      startingDelay: 100,
      timeMultiple: 2,
      jitter: 'full',
      retry: (err: unknown, attempt: number) => {
        if (isPermanentWriteError(err)) return false;
        this.writeRetries.inc();
        this.logger.warn({ attempt, err: errorMessage(err) }, 'a write failed; retrying');
        return true;
      },
    });
  }
}
