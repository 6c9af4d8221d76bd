import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

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

  /**
   * Starts measuring one handling of a batch (or of a part of it, when a failing batch is split);
   * the returned function ends it, successful or not. Failed handlings count as failures and
   * their records are not counted.
   */
  begin(batch: HandledBatch): (ok: boolean) => void {
    const labels = { group: batch.groupId, topic: batch.topic };
    this.batchSize.observe(labels, batch.records);
    const stop = this.batchSeconds.startTimer(labels);
    return (ok) => {
      stop();
      if (!ok) {
        this.failures.inc(labels);
        return;
      }
      this.records.inc(labels, batch.records);
      this.lag.set({ ...labels, partition: String(batch.partition) }, lagAfter(batch));
    };
  }
}

/** What the metrics need to know of a handled batch. */
export interface HandledBatch {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Records handled. */
  readonly records: number;
  /** The offset of the fetched batch's last record, and the partition's high watermark then. */
  readonly lastOffset: string;
  readonly highWatermark: string;
}

/** Records between the batch's last record and the partition's high watermark. */
export function lagAfter(batch: Pick<HandledBatch, 'lastOffset' | 'highWatermark'>): number {
  const behind = BigInt(batch.highWatermark) - BigInt(batch.lastOffset) - 1n;
  return behind > 0n ? Number(behind) : 0;
}
