import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stdout (pino). Every logger carries a `context` (class or component)
 * and callers add what locates the work: topic, partition, offset, customer, request.
 */
// The level is read here, before config is loaded, so that config errors are logged too; the
// config schema validates the same variable (log.level), so a bad value is still reported.
const root: Logger = pino({
  level: process.env.AMATO_LOG__LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type { Logger };

export function createLogger(context: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ context, ...bindings });
}

/** Applies the configured level (config log.level) to loggers created from now on. */
export function setLogLevel(level: string): void {
  root.level = level;
}
