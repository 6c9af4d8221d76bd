import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule, ConfigService } from '@amato/config';
import { topicSpecs, topicsFor } from '@amato/contracts';
import { FeaturesModule, FeatureStore } from '@amato/features';
import { KafkaModule, KafkaService } from '@amato/kafka';
import { MetricsService } from '@amato/metrics';
import { runStreamService } from '@amato/stream';
import { FeatureProcessor } from './feature-processor';

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

if (require.main === module) {
  runStreamService(
    {
      name: 'processor',
      help: HELP,
      module: (config) => ProcessorModule.forRoot(config),
      start: async (app, config) => {
        const topics = topicsFor(config.kafka.topicPrefix);
        await app.get(KafkaService).ensureTopics(topicSpecs(topics));
        await app.get(FeatureStore).loadScripts();
        await app
          .get(FeatureProcessor)
          .createConsumer(config.processor.groupId, config.processor.partitionsConcurrently)
          .start();
        return { topics, group: config.processor.groupId };
      },
    },
    process.argv.slice(2),
  );
}
