import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule, ConfigService } from '@amato/config';
import { topicSpecs, topicsFor } from '@amato/contracts';
import { applyMongoSchema, applyMysqlSchema, applyPostgresSchema } from '@amato/ddl';
import { KafkaModule, KafkaService } from '@amato/kafka';
import { MetricsService } from '@amato/metrics';
import { MongoModule, MongoService } from '@amato/mongo';
import { MysqlModule, MysqlService } from '@amato/mysql';
import { PostgresModule, PostgresService } from '@amato/postgres';
import { Sink } from '@amato/sink';
import { runStreamService } from '@amato/stream';

const HELP = `amato sink: persists the Kafka topics into MySQL, PostgreSQL and MongoDB.

usage: npm run sink             (or: node dist/apps/sink/main.js)

Reads <kafka.topicPrefix>.customers|transactions|campaigns|clickstream, one consumer group per
stream (<sink.groupId>.<stream>), writes idempotent bulk upserts, commits offsets only after
the writes, and sends refused records to <prefix>.dlq with their reason. SIGTERM or Ctrl-C
finishes the batches in flight, commits them and exits. Metrics: http://127.0.0.1:<sink.metricsPort>/metrics.
Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

@Module({})
class SinkModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SinkModule,
      imports: [
        ConfigModule.forRoot(config),
        KafkaModule,
        MysqlModule,
        PostgresModule,
        MongoModule,
      ],
      providers: [
        MetricsService,
        {
          provide: Sink,
          useFactory: (
            c: ConfigService,
            kafka: KafkaService,
            mysql: MysqlService,
            postgres: PostgresService,
            mongo: MongoService,
            metrics: MetricsService,
          ) =>
            new Sink(kafka, mysql, postgres, mongo, {
              topics: topicsFor(c.kafka.topicPrefix),
              targets: {
                mysqlDatabase: c.mysql.database,
                postgresSchema: c.postgres.schema,
                mongoDatabase: c.mongo.database,
              },
              parentWaitMs: c.sink.parentWaitMs,
              registry: metrics.registry,
            }),
          inject: [
            ConfigService,
            KafkaService,
            MysqlService,
            PostgresService,
            MongoService,
            MetricsService,
          ],
        },
      ],
    };
  }
}

if (require.main === module) {
  runStreamService(
    {
      name: 'sink',
      help: HELP,
      module: (config) => SinkModule.forRoot(config),
      start: async (app, config) => {
        const topics = topicsFor(config.kafka.topicPrefix);
        // Idempotent: a fresh store or cluster is prepared, an existing one is left as it is.
        await app.get(KafkaService).ensureTopics(topicSpecs(topics));
        await applyMysqlSchema(app.get(MysqlService), config.mysql.database);
        await applyPostgresSchema(app.get(PostgresService), config.postgres.schema);
        await applyMongoSchema(app.get(MongoService), config.mongo.database);
        const consumers = app
          .get(Sink)
          .createConsumers(config.sink.groupId, config.sink.partitionsConcurrently);
        await Promise.all(consumers.map((c) => c.start()));
        return { topics, groups: `${config.sink.groupId}.<stream>` };
      },
    },
    process.argv.slice(2),
  );
}
