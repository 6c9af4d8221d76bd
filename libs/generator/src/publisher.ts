import { setTimeout as sleep } from 'node:timers/promises';
import { type AmatoEvent, encodeEvent, streamOf, type Topics } from '@amato/contracts';

/** Where published records go: the Kafka adapter's multi-topic send, or a test double. */
export interface RecordSink {
  sendBatch(
    batches: readonly {
      topic: string;
      records: readonly { key: string; value: string; headers: Record<string, string> }[];
    }[],
  ): Promise<void>;
}

export interface PublishOptions {
  /** Records buffered before a flush (all topics together). */
  readonly batchSize: number;
  /** Events per second at most; 0 or absent: as fast as it can. */
  readonly rate?: number;
  /** Called after each flush with the running total. */
  readonly onProgress?: (published: number) => void;
}

export interface PublishSummary {
  readonly published: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/**
 * Publishes events in the order given. Records are buffered per topic and flushed together in
 * one request; the next buffer fills while one flush is in flight, and never more than one is
 * in flight, so each partition receives its events in the order they were produced.
 */
export async function publish(
  events: Iterable<AmatoEvent>,
  topics: Topics,
  sink: RecordSink,
  options: PublishOptions,
): Promise<PublishSummary> {
  const started = performance.now();
  const byType: Record<string, number> = {};
  let buffers = new Map<
    string,
    { key: string; value: string; headers: Record<string, string> }[]
  >();
  let buffered = 0;
  let published = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const batchSize = options.rate
    ? Math.max(1, Math.min(options.batchSize, Math.ceil(options.rate / 10)))
    : options.batchSize;

  const flush = async (): Promise<void> => {
    const batches = [...buffers].map(([topic, records]) => ({ topic, records }));
    const count = buffered;
    buffers = new Map();
    buffered = 0;
    await inFlight;
    inFlight = sink.sendBatch(batches).then(() => {
      published += count;
      options.onProgress?.(published);
    });
    if (options.rate) {
      // Pace by what has been handed over so far: never ahead of rate × elapsed.
      const ahead = ((published + count) / options.rate) * 1000 - (performance.now() - started);
      if (ahead > 0) await sleep(ahead);
    }
  };

  for (const event of events) {
    const topic = topics[streamOf(event.event_type)];
    let buffer = buffers.get(topic);
    if (!buffer) {
      buffer = [];
      buffers.set(topic, buffer);
    }
    buffer.push(encodeEvent(event));
    byType[event.event_type] = (byType[event.event_type] ?? 0) + 1;
    if (++buffered >= batchSize) await flush();
  }
  if (buffered > 0) await flush();
  await inFlight;
  return { published, byType, seconds: (performance.now() - started) / 1000 };
}
