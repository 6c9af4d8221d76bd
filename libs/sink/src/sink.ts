import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, type Registry } from 'prom-client';
import { type AmatoEvent, type EventEnvelope, type EventType } from '@amato/contracts';
import { createLogger } from '@amato/common';
import type { ConsumedStream, ConsumerGroupSpec, Rejection, StreamBatch } from '@amato/stream';
import type { MongoService } from '@amato/mongo';
import type { MysqlService } from '@amato/mysql';
import type { PostgresService } from '@amato/postgres';
import { MongoWriter } from './mongo.writer';
import { MysqlWriter } from './mysql.writer';
import { PostgresWriter } from './postgres.writer';
import type { Rejected, StoreTargets } from './store-targets';
import { errorMessage, isPermanentWriteError } from './write-errors';

/** The streams the sink persists. */
export const SINK_STREAMS = ['customers', 'transactions', 'campaigns', 'clickstream'] as const;

/**
 * One consumer group per stream (`<groupPrefix>.<stream>`), so the streams make progress
 * independently: an order waiting for its customer never holds up the customers.
 */
export function sinkGroups(groupPrefix: string): ConsumerGroupSpec[] {
  return SINK_STREAMS.map((stream) => ({ groupId: `${groupPrefix}.${stream}`, streams: [stream] }));
}

export interface SinkOptions {
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
 * Persists the valid events of a batch of one stream to their store as idempotent bulk upserts,
 * and returns the events a store refused for good (with the reason) for the DLQ. Resolves only
 * when the writes are durable; a transient error (a store down) rejects, and the batch is
 * retried by the stream runner.
 */
export class Sink {
  private readonly logger = createLogger(Sink.name);
  private readonly mysql: MysqlWriter;
  private readonly postgres: PostgresWriter;
  private readonly mongo: MongoWriter;
  private readonly written: Counter<'stream'>;

  constructor(
    mysql: MysqlService,
    postgres: PostgresService,
    mongo: MongoService,
    private readonly options: SinkOptions,
  ) {
    this.mysql = new MysqlWriter(mysql, options.targets.mysqlDatabase);
    this.postgres = new PostgresWriter(postgres, options.targets.postgresSchema);
    this.mongo = new MongoWriter(mongo, options.targets.mongoDatabase);
    this.written = new Counter({
      name: 'amato_sink_events_written_total',
      help: 'Events written to their store',
      labelNames: ['stream'],
      registers: options.registry ? [options.registry] : [],
    });
  }

  readonly handle = async (batch: StreamBatch): Promise<Rejection[]> => {
    const received = new Map(batch.records.map((r) => [r.event.event_id, r]));
    const rejected = await this.write(
      batch.stream,
      batch.records.map((r) => r.event),
    );
    const out: Rejection[] = [];
    for (const { eventId, reason } of rejected) {
      const origin = received.get(eventId);
      if (origin) out.push({ received: origin, stage: 'sink:write', reason });
    }
    this.written.inc({ stream: batch.stream }, batch.records.length - rejected.length);
    return out;
  };

  private async write(stream: ConsumedStream, events: readonly AmatoEvent[]): Promise<Rejected[]> {
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
        // One wait for both kinds of a test's children, so a missing test is waited for once.
        const ofTests = await this.withParents(
          [
            ...ofType(events, 'ab_test.exposure.recorded'),
            ...ofType(events, 'ab_test.result.recorded'),
          ],
          (e) => e.payload.test_id,
          'A/B test',
          (ids) => this.postgres.existing('ab_tests', 'test_id', ids),
        );
        rejected.push(
          ...ofTests.missing,
          ...(await this.isolating(ofType(ofTests.ready, 'ab_test.exposure.recorded'), (part) =>
            this.postgres.writeAbExposures(part),
          )),
          ...(await this.isolating(ofType(ofTests.ready, 'ab_test.result.recorded'), (part) =>
            this.postgres.writeAbResults(part),
          )),
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
   * that only the refused ones are rejected. Any other error propagates: the stream runner
   * retries the batch (and isolates a record that keeps failing).
   */
  private async isolating<E extends AmatoEvent>(
    events: readonly E[],
    write: (part: readonly E[]) => Promise<void>,
  ): Promise<Rejected[]> {
    if (events.length === 0) return [];
    try {
      await write(events);
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
}
