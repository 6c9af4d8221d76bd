import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  createLogger,
  exitOnFailure,
  exitOnSignals,
  NestPinoLogger,
  setLogLevel,
} from '@amato/common';
import { type AppConfig, ConfigModule, ConfigService, loadConfig } from '@amato/config';
import { topicSpecs, topicsFor } from '@amato/contracts';
import { FeaturesModule, FeatureStore } from '@amato/features';
import { KafkaModule, KafkaService } from '@amato/kafka';
import { MetricsService, serveMetrics } from '@amato/metrics';
import { FeatureProcessor } from './feature-processor';

const logger = createLogger('processor');

const HELP = `amato processor: keeps every customer's features and every live session's journey
current in Redis as events arrive.

usage: npm run processor        (or: node dist/apps/processor/main.js)

Reads <kafka.topicPrefix>.customers|transactions|clickstream as one consumer group
(<processor.groupId>): start more instances to split the partitions. Each batch is validated
(invalid records go to <prefix>.dlq with their reason), applied to Redis in one pipelined round
trip, atomic per customer and idempotent by event id, and committed only then. SIGTERM or
Ctrl-C finishes the batches in flight, commits them and exits.
Metrics: http://127.0.0.1:<processor.metricsPort>/metrics. Feature definitions: docs/features.md.
Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

@Module({})
class ProcessorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [ConfigModule.forRoot(config), KafkaModule, FeaturesModule],
      providers: [
        MetricsService,
        {
          provide: FeatureProcessor,
          useFactory: (
            c: ConfigService,
            kafka: KafkaService,
            store: FeatureStore,
            metrics: MetricsService,
          ) =>
            new FeatureProcessor(kafka, store, {
              topics: topicsFor(c.kafka.topicPrefix),
              registry: metrics.registry,
            }),
          inject: [ConfigService, KafkaService, FeatureStore, MetricsService],
        },
      ],
    };
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  setLogLevel(config.log.level);
  const app = await NestFactory.createApplicationContext(ProcessorModule.forRoot(config), {
    logger: new NestPinoLogger(),
    abortOnError: false,
  });
  const topics = topicsFor(config.kafka.topicPrefix);
  await app.get(KafkaService).ensureTopics(topicSpecs(topics));
  await app.get(FeatureStore).loadScripts();
  const server = await serveMetrics(app.get(MetricsService), {
    host: '127.0.0.1',
    port: config.processor.metricsPort,
    setting: 'processor.metricsPort',
    env: 'AMATO_PROCESSOR__METRICS_PORT',
  });
  const consumer = app
    .get(FeatureProcessor)
    .createConsumer(config.processor.groupId, config.processor.partitionsConcurrently);
  await consumer.start();
  logger.info(
    { topics, group: config.processor.groupId, metrics: server.address() },
    'processor consuming',
  );
  // KafkaService.close (on app.close) stops the consumer first: in-flight batches finish and commit.
  exitOnSignals(logger, () =>
    Promise.all([app.close(), new Promise((resolve) => server.close(resolve))]),
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(exitOnFailure('processor', logger));
}
