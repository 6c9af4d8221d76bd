import {
  Controller,
  type DynamicModule,
  Inject,
  type INestMicroservice,
  Module,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  createLogger,
  exitOnFailure,
  exitOnSignals,
  NestPinoLogger,
  setLogLevel,
} from '@amato/common';
import { type AppConfig, ConfigModule, loadConfig } from '@amato/config';
import { topicSpecs, topicsFor } from '@amato/contracts';
import { KafkaModule, KafkaService } from '@amato/kafka';
import { MetricsService, serveMetrics } from '@amato/metrics';
import type { RetryPolicy } from './retry-isolating';
import type {
  ConsumedStream,
  ConsumerGroupSpec,
  Rejection,
  StreamBatch,
  StreamHandler,
} from './stream-batch';
import {
  ConsumerMetricsInterceptor,
  RethrowToTransport,
  StreamTransport,
} from './stream-transport';

export interface StreamServiceDefinition {
  /** The service's name: its command (`amato <name>`), logger, DLQ stages and config section. */
  readonly name: 'sink' | 'processor';
  readonly help: string;
  /**
   * What the service does with valid records: a provider whose `handle` takes a batch of the
   * streams named here. It is bound to `@EventPattern(streams)`.
   */
  readonly handler: {
    readonly provide: Type<Handles>;
    readonly streams: readonly ConsumedStream[];
  };
  /** The modules and providers the handler needs, beside config, Kafka and metrics. */
  readonly imports?: ModuleMetadata['imports'];
  readonly providers?: readonly Provider[];
  /** Its consumer groups and the streams each reads. */
  readonly groups: (config: AppConfig) => readonly ConsumerGroupSpec[];
  /** What it prepares before consuming (schemas, scripts); the topics are ensured for it. */
  readonly prepare?: (app: INestMicroservice, config: AppConfig) => Promise<void>;
  readonly retry?: RetryPolicy;
}

/** A provider that handles stream batches. */
export interface Handles {
  readonly handle: StreamHandler;
}

/** The controller that binds a service's handler to `@EventPattern(<its streams>)`. */
function streamController(handler: StreamServiceDefinition['handler']): Type {
  @Controller()
  class StreamController {
    constructor(@Inject(handler.provide) private readonly target: Handles) {}

    @EventPattern([...handler.streams])
    handle(@Payload() batch: StreamBatch): Promise<readonly Rejection[]> {
      return this.target.handle(batch);
    }
  }
  return StreamController;
}

@Module({})
class StreamServiceModule {}

/** The service's module: config, Kafka, metrics, its handler's controller and providers. */
function serviceModule(definition: StreamServiceDefinition, config: AppConfig): DynamicModule {
  return {
    module: StreamServiceModule,
    imports: [ConfigModule.forRoot(config), KafkaModule, ...(definition.imports ?? [])],
    controllers: [streamController(definition.handler)],
    providers: [MetricsService, ...(definition.providers ?? [])],
  };
}

/**
 * A stream service as a Nest microservice on AMATO's stream transport, prepared and ready to
 * `listen()` (which joins the consumer groups). `close()` drains the consumers first, then
 * closes the modules (stores, producer). Tests run services in-process through this.
 */
export async function createStreamService(
  definition: StreamServiceDefinition,
  config: AppConfig,
): Promise<INestMicroservice> {
  const topics = topicsFor(config.kafka.topicPrefix);
  const transport = new StreamTransport({
    service: definition.name,
    topics,
    groups: definition.groups(config),
    partitionsConcurrently: config[definition.name].partitionsConcurrently,
    retry: definition.retry,
  });
  const app = await NestFactory.createMicroservice(serviceModule(definition, config), {
    strategy: transport,
    logger: new NestPinoLogger(),
    abortOnError: false,
  });
  const kafka = app.get(KafkaService);
  const { registry } = app.get(MetricsService);
  transport.use(kafka, registry);
  app.useGlobalFilters(new RethrowToTransport());
  app.useGlobalInterceptors(new ConsumerMetricsInterceptor(registry));
  // Idempotent: a fresh cluster or store is prepared, an existing one is left as it is.
  await kafka.ensureTopics(topicSpecs(topics));
  await definition.prepare?.(app, config);
  return app;
}

/**
 * The life of a stream service (the sink, the processor): `--help`, validated config, the
 * microservice, Prometheus metrics on <name>.metricsPort, its consumers, and on SIGTERM or
 * Ctrl-C a drain (in-flight batches finish and commit before any store closes) and exit 0.
 * A failure exits with a message the user can act on.
 */
export function runStreamService(
  definition: StreamServiceDefinition,
  argv: readonly string[],
): void {
  const { name } = definition;
  const logger = createLogger(name);
  const run = async () => {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(definition.help);
      return;
    }
    const config = loadConfig();
    setLogLevel(config.log.level);
    const app = await createStreamService(definition, config);
    // Before consuming: a taken port stops the service before it has read anything.
    const server = await serveMetrics(app.get(MetricsService), {
      host: '127.0.0.1',
      port: config[name].metricsPort,
      setting: `${name}.metricsPort`,
      env: `AMATO_${name.toUpperCase()}__METRICS_PORT`,
    });
    await app.listen();
    logger.info(
      {
        topics: topicsFor(config.kafka.topicPrefix),
        groups: definition.groups(config).map((g) => g.groupId),
        metrics: server.address(),
      },
      `${name} consuming`,
    );
    exitOnSignals(logger, () =>
      Promise.all([app.close(), new Promise((resolve) => server.close(resolve))]),
    );
  };
  run().catch(exitOnFailure(name, logger));
}
