import { AmatoError } from '@amato/common';

/** A batch step failed: names the file, the line and column in it, and Trino's message. */
export class BatchStepError extends AmatoError {
  readonly code = 'BATCH_STEP_FAILED';
  readonly retriable = false;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | undefined,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${file}:${line}${column === undefined ? '' : `:${column}`}: ${reason}`, { cause });
  }
}
