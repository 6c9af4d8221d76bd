import type { Logger } from 'pino';
import { assertUnreachable } from './assert-unreachable';
import { AmatoError } from './errors';

/**
 * Stops a service once on SIGTERM or SIGINT: runs `stop` (which drains the work in flight)
 * and exits 0, or 1 if stopping failed. A second signal while stopping is ignored.
 */
export function exitOnSignals(logger: Logger, stop: () => Promise<unknown>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the batches in flight');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * The exit code of a command that failed with an AmatoError: 2 for what the user must correct
 * in how the command is run (configuration, arguments), 1 for the rest.
 */
export function exitCodeOf(err: AmatoError): 1 | 2 {
  switch (err.code) {
    case 'CONFIG_INVALID':
    case 'USAGE':
      return 2;
    case 'BATCH_STEP_FAILED':
    case 'DEPENDENCY_UNAVAILABLE':
    case 'EXPERIMENT_INPUT_INVALID':
    case 'MODEL_ARTIFACT_INVALID':
    case 'PORT_TAKEN':
    case 'TRINO_QUERY_FAILED':
      return 1;
    default:
      return assertUnreachable(err.code, 'error code');
  }
}

/**
 * Ends a command that failed: an AmatoError (a problem the user can act on) is logged with its
 * code and printed as one line, `amato <name>: <message>`, with the exit code of exitCodeOf
 * (2 also for what `isUsageError` says is a usage error); anything else is logged in full as
 * fatal, exit code 1.
 */
export function exitOnFailure(
  name: string,
  logger: Logger,
  isUsageError: (err: unknown) => boolean = () => false,
): (err: unknown) => never {
  return (err: unknown) => {
    if (err instanceof AmatoError) {
      logger.fatal({ code: err.code }, err.message);
      console.error(`amato ${name}: ${err.message}`);
      process.exit(isUsageError(err) ? 2 : exitCodeOf(err));
    }
    logger.fatal({ err }, `${name} failed`);
    process.exit(1);
  };
}
