import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  createLogger,
  exitOnFailure,
  exitOnSignals,
  NestPinoLogger,
  setLogLevel,
} from '@amato/common';
import { type AppConfig, loadConfig } from '@amato/config';
import { MetricsService, serveMetrics } from '@amato/metrics';

export interface StreamServiceOptions {
  /** The service's name: its command (`amato <name>`), logger and config section. */
  readonly name: 'sink' | 'processor';
  readonly help: string;
  readonly module: (config: AppConfig) => DynamicModule;
  /**
   * Prepares what the service needs (topics, schemas, scripts) and starts its consumers;
   * resolves with what the "consuming" log line should say.
   */
  readonly start: (
    app: INestApplicationContext,
    config: AppConfig,
  ) => Promise<Record<string, unknown>>;
}

/**
 * The life of a stream service (the sink, the processor): `--help`, validated config, the
 * Nest application context, Prometheus metrics on <name>.metricsPort, its consumers, and on
 * SIGTERM or Ctrl-C a drain (KafkaService closes its consumers first: in-flight batches
 * finish and commit) and exit 0. A failure exits with a message the user can act on.
 */
export function runStreamService(options: StreamServiceOptions, argv: readonly string[]): void {
  const { name } = options;
  const logger = createLogger(name);
  const run = async () => {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(options.help);
      return;
    }
    const config = loadConfig();
    setLogLevel(config.log.level);
    const app = await NestFactory.createApplicationContext(options.module(config), {
      logger: new NestPinoLogger(),
      abortOnError: false,
    });
    // Before consuming: a taken port stops the service before it has read anything.
    const server = await serveMetrics(app.get(MetricsService), {
      host: '127.0.0.1',
      port: config[name].metricsPort,
      setting: `${name}.metricsPort`,
      env: `AMATO_${name.toUpperCase()}__METRICS_PORT`,
    });
    const started = await options.start(app, config);
    logger.info({ ...started, metrics: server.address() }, `${name} consuming`);
    exitOnSignals(logger, () =>
      Promise.all([app.close(), new Promise((resolve) => server.close(resolve))]),
    );
  };
  run().catch(exitOnFailure(name, logger));
}
