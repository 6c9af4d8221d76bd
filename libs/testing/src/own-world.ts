import type { AppConfig } from '@amato/config';
import { topicSpecs, topicsFor, type Topics } from '@amato/contracts';
import { applyMongoSchema, applyMysqlSchema, applyPostgresSchema } from '@amato/ddl';
import { KafkaService } from '@amato/kafka';
import { MongoService } from '@amato/mongo';
import { MysqlService } from '@amato/mysql';
import { PostgresService } from '@amato/postgres';
import { testConfig, uniqueName } from './resources';

/**
 * A test's own topics (<name>.customers, ...), MySQL database, PostgreSQL schema and MongoDB
 * database, all named `name`, with AMATO's schemas applied: nothing another test can see.
 */
export interface OwnWorld {
  readonly name: string;
  readonly topics: Topics;
  readonly targets: { mysqlDatabase: string; postgresSchema: string; mongoDatabase: string };
  readonly kafka: KafkaService;
  readonly mysql: MysqlService;
  readonly postgres: PostgresService;
  readonly mongo: MongoService;
  readonly stores: { mysql: MysqlService; postgres: PostgresService; mongo: MongoService };
  /** Connects, creates the topics and applies the schemas. */
  setUp(): Promise<void>;
  /** Deletes the topics, drops the databases and closes the connections. */
  tearDown(): Promise<void>;
}

/**
 * `existing`: the name of a world kept earlier (a benchmark's), to use again as it is.
 * `config`: other servers than the test configuration's (a fault run's own Kafka).
 */
export function ownWorld(
  prefix: string,
  existing?: string,
  config: AppConfig = testConfig(),
): OwnWorld {
  const name = existing ?? uniqueName(prefix);
  const topics = topicsFor(name);
  const kafka = new KafkaService(config.kafka);
  const mysql = new MysqlService(config.mysql);
  const postgres = new PostgresService(config.postgres);
  const mongo = new MongoService(config.mongo);
  return {
    name,
    topics,
    targets: { mysqlDatabase: name, postgresSchema: name, mongoDatabase: name },
    kafka,
    mysql,
    postgres,
    mongo,
    stores: { mysql, postgres, mongo },
    async setUp() {
      await Promise.all([kafka.connect(), mysql.connect(), postgres.connect(), mongo.connect()]);
      await kafka.ensureTopics(topicSpecs(topics));
      await Promise.all([
        applyMysqlSchema(mysql, name),
        applyPostgresSchema(postgres, name),
        applyMongoSchema(mongo, name),
      ]);
    },
    async tearDown() {
      await kafka.deleteTopics(Object.values(topics));
      await Promise.allSettled([
        mysql.execute(`DROP DATABASE IF EXISTS \`${name}\``),
        postgres.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
        mongo.db(name).dropDatabase(),
      ]);
      await Promise.all([kafka.close(), mysql.close(), postgres.close(), mongo.close()]);
    },
  };
}

/** The environment that points the sink service at a world named `name`. */
export function sinkEnv(name: string, metricsPort = 0): Record<string, string> {
  return {
    AMATO_KAFKA__TOPIC_PREFIX: name,
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
    AMATO_SINK__GROUP_ID: `${name}.sink`,
    AMATO_SINK__METRICS_PORT: String(metricsPort),
  };
}
