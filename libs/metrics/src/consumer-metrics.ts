import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BatchHandler, RecordBatch } from '@amato/kafka';

/**
 * The consumer side of a stream service, measured the same way everywhere: records and batches
 * handled, batch sizes, handling time, failures and the lag each partition had when its batch
 * was fetched. Labelled by consumer group, so several consumers share one registry.
 */
export class ConsumerMetrics {
  private readonly records: Counter<'group' | 'topic'>;
  private readonly batchSize: Histogram<'group' | 'topic'>;
  private readonly batchSeconds: Histogram<'group' | 'topic'>;
  private readonly failures: Counter<'group' | 'topic'>;
  private readonly lag: Gauge<'group' | 'topic' | 'partition'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.records = new Counter({
      name: 'amato_consumer_records_total',
      help: 'Records in batches handled successfully (then committed), by consumer group and topic',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'amato_consumer_batch_records',
      help: 'Records per fetched batch',
      labelNames: ['group', 'topic'],
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'amato_consumer_batch_duration_seconds',
      help: 'Time to handle one batch (decode, validate, write), before its offsets are committed',
      labelNames: ['group', 'topic'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.failures = new Counter({
      name: 'amato_consumer_batch_failures_total',
      help: 'Batches whose handling failed; they are not committed and are delivered again',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.lag = new Gauge({
      name: 'amato_consumer_lag_records',
      help: 'Records behind the high watermark after the last batch of a partition',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
  }

  /** The handler, measured: what it does is unchanged, and its errors still propagate. */
  instrument(group: string, handler: BatchHandler): BatchHandler {
    return async (batch: RecordBatch) => {
      const labels = { group, topic: batch.topic };
      this.batchSize.observe(labels, batch.records.length);
      const stop = this.batchSeconds.startTimer(labels);
      try {
        await handler(batch);
      } catch (err) {
        this.failures.inc(labels);
        throw err;
      } finally {
        stop();
      }
      this.records.inc(labels, batch.records.length);
      this.lag.set({ ...labels, partition: String(batch.partition) }, lagAfter(batch));
    };
  }
}

/** Records between the batch's last record and the partition's high watermark. */
export function lagAfter(batch: RecordBatch): number {
  const last = batch.records.at(-1);
  if (!last) return 0;
  const behind = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
  return behind > 0n ? Number(behind) : 0;
}
