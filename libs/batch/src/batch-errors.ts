import { AmatoError } from '@amato/common';

/**
 * A batch step failed: names the file, the line and column in it (a SQL step), and Trino's
 * message or the code step's error.
 */
export class BatchStepError extends AmatoError {
  readonly code = 'BATCH_STEP_FAILED';
  readonly retriable = false;

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly reason: string,
    cause?: unknown,
  ) {
    const at = line === undefined ? '' : `:${line}${column === undefined ? '' : `:${column}`}`;
    super(`${file}${at}: ${reason}`, { cause });
  }
}
