import { AmatoError } from '@amato/common';

/** Where in the input a problem is: the test, the variant (if any) and the field. */
export interface InputLocation {
  readonly testId: string | null;
  readonly variant: string | null;
  readonly field: string;
}

/**
 * Statistics that cannot describe an experiment (a negative count, more converters than users,
 * a NaN, an unknown control). The caller must correct the query or the request; repeating it
 * gives the same answer.
 */
export class ExperimentInputError extends AmatoError {
  readonly code = 'EXPERIMENT_INPUT_INVALID';
  readonly retriable = false;

  constructor(
    readonly location: InputLocation,
    readonly problem: string,
  ) {
    super(`${describeLocation(location)}: ${problem}`);
  }
}

function describeLocation({ testId, variant, field }: InputLocation): string {
  const parts = [
    testId === null ? null : `test ${JSON.stringify(testId)}`,
    variant === null ? null : `variant ${JSON.stringify(variant)}`,
    `field ${field}`,
  ];
  return parts.filter((part) => part !== null).join(', ');
}
