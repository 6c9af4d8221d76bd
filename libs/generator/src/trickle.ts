import { setTimeout as sleep } from 'node:timers/promises';
import type { AmatoEvent, Topics } from '@amato/contracts';
import type { Dataset } from './dataset';
import { publish, type RecordSink } from './publisher';

export interface TrickleOptions {
  /** New sessions started per minute. */
  readonly sessionsPerMinute: number;
  readonly seed?: number;
  /** Stops the trickle (it resolves after the batch in flight). */
  readonly signal?: AbortSignal;
  /** How often due events are sent, in ms (default 250). */
  readonly tickMs?: number;
  /** Called after each send with the running total. */
  readonly onPublished?: (published: number) => void;
  /** The clock (tests pass their own). */
  readonly now?: () => number;
}

/**
 * Live traffic in real time: the data set's customers keep visiting (Dataset.liveSessions from
 * now), and each event is published when its time comes, in batches every tick. Runs until the
 * signal aborts; resolves with the events published.
 */
export async function trickle(
  dataset: Dataset,
  topics: Topics,
  sink: RecordSink,
  options: TrickleOptions,
): Promise<number> {
  const { sessionsPerMinute, signal, tickMs = 250, now = Date.now } = options;
  if (!(sessionsPerMinute > 0 && sessionsPerMinute <= 60_000)) {
    throw new RangeError(
      `sessions per minute must be above 0 and at most 60000, got ${sessionsPerMinute}`,
    );
  }
  const live = dataset.liveSessions(new Date(now()), {
    seed: options.seed,
    gapMs: 60_000 / sessionsPerMinute,
  });
  let next = live.next();
  let published = 0;
  while (!signal?.aborted) {
    const due: AmatoEvent[] = [];
    const until = now();
    while (!next.done && next.value[0] <= until) {
      due.push(next.value[1]);
      next = live.next();
    }
    if (due.length > 0) {
      published += (await publish(due, topics, sink, { batchSize: 5_000 })).published;
      options.onPublished?.(published);
    }
    await sleep(tickMs, undefined, { signal }).catch(() => undefined);
  }
  return published;
}
