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
import { applyMongoSchema, applyMysqlSchema, applyPostgresSchema } from '@amato/ddl';
import { KafkaModule, KafkaService } from '@amato/kafka';
import { MetricsService, serveMetrics } from '@amato/metrics';
import { MongoModule, MongoService } from '@amato/mongo';
import { MysqlModule, MysqlService } from '@amato/mysql';
import { PostgresModule, PostgresService } from '@amato/postgres';
import { Sink } from '@amato/sink';

const logger = createLogger('sink');

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

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  setLogLevel(config.log.level);
  const app = await NestFactory.createApplicationContext(SinkModule.forRoot(config), {
    logger: new NestPinoLogger(),
    abortOnError: false,
  });
  const sink = app.get(Sink);
  const kafka = app.get(KafkaService);
  const topics = topicsFor(config.kafka.topicPrefix);
  // Idempotent: a fresh store or cluster is prepared, an existing one is left as it is.
  await kafka.ensureTopics(topicSpecs(topics));
  await applyMysqlSchema(app.get(MysqlService), config.mysql.database);
  await applyPostgresSchema(app.get(PostgresService), config.postgres.schema);
  await applyMongoSchema(app.get(MongoService), config.mongo.database);
  const server = await serveMetrics(app.get(MetricsService), {
    host: '127.0.0.1',
    port: config.sink.metricsPort,
    setting: 'sink.metricsPort',
    env: 'AMATO_SINK__METRICS_PORT',
  });

  const consumers = sink.createConsumers(config.sink.groupId, config.sink.partitionsConcurrently);
  await Promise.all(consumers.map((c) => c.start()));
  logger.info(
    { topics, groups: `${config.sink.groupId}.<stream>`, metrics: server.address() },
    'sink consuming',
  );

  // KafkaService.close (on app.close) stops the consumers first: in-flight batches finish and commit.
  exitOnSignals(logger, () =>
    Promise.all([app.close(), new Promise((resolve) => server.close(resolve))]),
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(exitOnFailure('sink', logger));
}
