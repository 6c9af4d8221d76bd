import type { Problem } from '@amato/common';

/**
 * What goes to the DLQ topic: the original record untouched, where it came from, which stage
 * refused it and why. Enough to find, fix and replay it.
 */
export interface DeadLetter {
  readonly failed_at: string;
  /** The service and step that refused it, e.g. `sink:validate`, `sink:write-mysql`. */
  readonly stage: string;
  readonly reason: string;
  readonly problems: readonly Problem[];
  readonly source: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    readonly key: string | null;
  };
  readonly event_type: string | null;
  readonly event_id: string | null;
  /**
   * The record's value as received (UTF-8), or null when it had none. A value longer than
   * DEAD_LETTER_ORIGINAL_CHARS is cut to that length (the letter must fit in a Kafka record);
   * `original_bytes` then says how long it was, and `source` where the whole of it is.
   */
  readonly original: string | null;
  readonly original_bytes?: number;
}

/** How much of a record's value a dead letter keeps. */
export const DEAD_LETTER_ORIGINAL_CHARS = 4_096;
