import {
  FeatureProcessor,
  FeaturesModule,
  FeatureStore,
  FEATURE_STREAMS,
  processorGroups,
} from '@amato/features';
import { ConfigService } from '@amato/config';
import { PREDICTION_PARTITIONS, predictionTopicsFor } from '@amato/contracts';
import { KafkaService } from '@amato/kafka';
import { MetricsService } from '@amato/metrics';
import {
  MODEL_LOADERS,
  ModelRegistry,
  PredictionScorer,
  PredictionStore,
  ServingModels,
} from '@amato/models';
import { PostgresModule, PostgresService } from '@amato/postgres';
import { RedisService } from '@amato/redis';
import type { StreamServiceDefinition } from '@amato/stream';

const HELP = `amato processor: keeps every customer's features and every live session's journey
current in Redis as events arrive.

usage: npm run processor        (or: node dist/apps/processor/main.js)

Reads <kafka.topicPrefix>.customers|transactions|clickstream as one consumer group
(<processor.groupId>): start more instances to split the partitions. Each batch is validated
(invalid records go to <prefix>.dlq with their reason), applied to Redis in one pipelined round
trip, atomic per customer and idempotent by event id, and committed only then. A batch that
keeps failing is retried, then split until the records that fail alone are found; those go to
the DLQ at stage processor:exhausted and the partition moves on. While Redis is unreachable the
batch waits for it. SIGTERM or Ctrl-C finishes the batches in flight, commits them and exits.
With processor.predictions on, it then scores what each batch changed with the active model
versions (./amato train; activations are followed without a restart) and publishes each
customer's segment when it changes to <prefix>.predictions.segments and each live session's
conversion probability to <prefix>.predictions.journey, before the batch is committed; ids derive
from their cause (docs/predictions.md).
Metrics: http://127.0.0.1:<processor.metricsPort>/metrics. Feature definitions: docs/features.md.
Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

/** The stream processor: the feature streams into Redis. */
export const processorService: StreamServiceDefinition = {
  name: 'processor',
  help: HELP,
  handler: { provide: FeatureProcessor, streams: FEATURE_STREAMS },
  imports: [FeaturesModule, PostgresModule.lazy()],
  providers: [
    {
      provide: ServingModels,
      useFactory: (c: ConfigService, postgres: PostgresService) =>
        new ServingModels(
          new ModelRegistry(postgres, c.postgres.schema),
          postgres,
          c.postgres.schema,
          MODEL_LOADERS,
        ),
      inject: [ConfigService, PostgresService],
    },
    {
      provide: PredictionScorer,
      useFactory: (
        c: ConfigService,
        serving: ServingModels,
        store: FeatureStore,
        redis: RedisService,
        kafka: KafkaService,
        metrics: MetricsService,
      ) =>
        new PredictionScorer(
          serving,
          store,
          new PredictionStore(
            redis.client,
            c.features.keyPrefix,
            c.features.sessionTtlHours * 3600,
          ),
          kafka,
          c.kafka.topicPrefix,
          c.processor.segmentationModel,
          metrics.registry,
        ),
      inject: [
        ConfigService,
        ServingModels,
        FeatureStore,
        RedisService,
        KafkaService,
        MetricsService,
      ],
    },
    {
      provide: FeatureProcessor,
      useFactory: (
        c: ConfigService,
        store: FeatureStore,
        metrics: MetricsService,
        scorer: PredictionScorer,
      ) =>
        new FeatureProcessor(store, metrics.registry, c.processor.predictions ? scorer : undefined),
      inject: [ConfigService, FeatureStore, MetricsService, PredictionScorer],
    },
  ],
  groups: (config) => processorGroups(config.processor.groupId),
  prepare: async (app, config) => {
    await app.get(FeatureStore).loadScripts();
    if (!config.processor.predictions) return;
    const topics = predictionTopicsFor(config.kafka.topicPrefix);
    await app
      .get(KafkaService)
      .ensureTopics(
        Object.values(topics).map((topic) => ({ topic, partitions: PREDICTION_PARTITIONS })),
      );
    // Loads the active versions; PostgreSQL down only delays the first predictions.
    await app.get(ServingModels).start();
  },
};
