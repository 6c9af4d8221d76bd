import type { LoggerService } from '@nestjs/common';
import { createLogger, type Logger } from './logger';

/** Routes Nest's own log lines into the structured logger, keeping Nest's context. */
export class NestPinoLogger implements LoggerService {
  private readonly logger: Logger = createLogger('Nest');

  log(message: unknown, context?: string): void {
    this.logger.info({ nest: context }, String(message));
  }
  error(message: unknown, stack?: string, context?: string): void {
    this.logger.error({ nest: context, stack }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ nest: context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ nest: context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ nest: context }, String(message));
  }
}
