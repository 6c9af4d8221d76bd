import type { Logger } from 'pino';
import { AmatoError, ConfigError } from './errors';

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
 * Ends a command that failed: an AmatoError (a problem the user can act on) is printed as one
 * line, `amato <name>: <message>`, with exit code 2 for configuration and usage errors and 1
 * otherwise; anything else is logged in full as fatal, exit code 1.
 */
export function exitOnFailure(
  name: string,
  logger: Logger,
  isUsageError: (err: unknown) => boolean = () => false,
): (err: unknown) => never {
  return (err: unknown) => {
    if (err instanceof AmatoError) {
      console.error(`amato ${name}: ${err.message}`);
      process.exit(err instanceof ConfigError || isUsageError(err) ? 2 : 1);
    }
    logger.fatal({ err }, `${name} failed`);
    process.exit(1);
  };
}
