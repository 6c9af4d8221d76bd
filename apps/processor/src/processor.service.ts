import {
  FeatureProcessor,
  FeaturesModule,
  FeatureStore,
  FEATURE_STREAMS,
  processorGroups,
} from '@amato/features';
import { MetricsService } from '@amato/metrics';
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
Metrics: http://127.0.0.1:<processor.metricsPort>/metrics. Feature definitions: docs/features.md.
Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

/** The stream processor: the feature streams into Redis. */
export const processorService: StreamServiceDefinition = {
  name: 'processor',
  help: HELP,
  handler: { provide: FeatureProcessor, streams: FEATURE_STREAMS },
  imports: [FeaturesModule],
  providers: [
    {
      provide: FeatureProcessor,
      useFactory: (store: FeatureStore, metrics: MetricsService) =>
        new FeatureProcessor(store, metrics.registry),
      inject: [FeatureStore, MetricsService],
    },
  ],
  groups: (config) => processorGroups(config.processor.groupId),
  prepare: async (app) => {
    await app.get(FeatureStore).loadScripts();
  },
};
