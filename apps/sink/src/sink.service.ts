import { ConfigService } from '@amato/config';
import { applyMongoSchema, applyMysqlSchema, applyPostgresSchema } from '@amato/ddl';
import { MetricsService } from '@amato/metrics';
import { MongoModule, MongoService } from '@amato/mongo';
import { MysqlModule, MysqlService } from '@amato/mysql';
import { PostgresModule, PostgresService } from '@amato/postgres';
import { Sink, SINK_STREAMS, sinkGroups } from '@amato/sink';
import type { StreamServiceDefinition } from '@amato/stream';

const HELP = `amato sink: persists the Kafka topics into MySQL, PostgreSQL and MongoDB.

usage: npm run sink             (or: node dist/apps/sink/main.js)

Reads <kafka.topicPrefix>.customers|transactions|campaigns|clickstream, one consumer group per
stream (<sink.groupId>.<stream>), writes idempotent bulk upserts, commits offsets only after
the writes, and sends refused records to <prefix>.dlq with their reason. A batch that keeps
failing is retried, then split until the records that fail alone are found; those go to the
DLQ at stage sink:exhausted and the partition moves on. While a store is unreachable the batch
waits for it. SIGTERM or Ctrl-C finishes the batches in flight, commits them and exits, before
any store connection closes. Metrics: http://127.0.0.1:<sink.metricsPort>/metrics.
Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

/** The sink: the topics into MySQL, PostgreSQL and MongoDB. */
export const sinkService: StreamServiceDefinition = {
  name: 'sink',
  help: HELP,
  handler: { provide: Sink, streams: SINK_STREAMS },
  imports: [MysqlModule, PostgresModule, MongoModule],
  providers: [
    {
      provide: Sink,
      useFactory: (
        c: ConfigService,
        mysql: MysqlService,
        postgres: PostgresService,
        mongo: MongoService,
        metrics: MetricsService,
      ) =>
        new Sink(mysql, postgres, mongo, {
          targets: {
            mysqlDatabase: c.mysql.database,
            postgresSchema: c.postgres.schema,
            mongoDatabase: c.mongo.database,
          },
          parentWaitMs: c.sink.parentWaitMs,
          registry: metrics.registry,
        }),
      inject: [ConfigService, MysqlService, PostgresService, MongoService, MetricsService],
    },
  ],
  groups: (config) => sinkGroups(config.sink.groupId),
  prepare: async (app, config) => {
    await applyMysqlSchema(app.get(MysqlService), config.mysql.database);
    await applyPostgresSchema(app.get(PostgresService), config.postgres.schema);
    await applyMongoSchema(app.get(MongoService), config.mongo.database);
  },
};
