import type { Logger } from 'pino';

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
