import { type Static, Type as T } from '@sinclair/typebox';

const Port = T.Integer({ minimum: 1, maximum: 65535 });
const Host = T.String({
  minLength: 1,
  pattern: '^[^\\s:/]+$',
  expected: 'a host name or IP, without port',
});
const HostPort = T.String({
  pattern: '^[^\\s:/]+:[0-9]{1,5}$',
  expected: 'host:port, e.g. 127.0.0.1:19092',
});
const Millis = T.Integer({ minimum: 1 });
const NonEmpty = T.String({ minLength: 1 });
const Identifier = T.String({
  pattern: '^[a-z][a-z0-9_]*$',
  expected: 'a lower-case identifier (a-z, 0-9, _)',
});

const strict = { additionalProperties: false } as const;

/** MySQL and PostgreSQL are reached the same way. */
const SqlStore = T.Object(
  {
    host: Host,
    port: Port,
    user: NonEmpty,
    password: T.String(),
    database: Identifier,
    poolSize: T.Integer({ minimum: 1, maximum: 200 }),
  },
  strict,
);

/**
 * The whole configuration of every AMATO service and of the local stack. Defaults live in
 * config/default.yaml; an overlay file and AMATO_* environment variables override them (see
 * config.loader.ts). Unknown keys are errors, so a typo never silently falls back to a default.
 */
export const AppConfigSchema = T.Object(
  {
    log: T.Object(
      {
        level: T.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => T.Literal(l)),
        ),
      },
      strict,
    ),
    api: T.Object(
      {
        host: Host,
        port: Port,
        apiKeys: T.Array(T.String({ minLength: 16 })),
        rateLimit: T.Object(
          {
            requests: T.Integer({ minimum: 1, expected: 'requests allowed per window, per key' }),
            windowMs: T.Integer({ minimum: 100, maximum: 86_400_000 }),
          },
          strict,
        ),
      },
      strict,
    ),
    kafka: T.Object(
      {
        clientId: NonEmpty,
        topicPrefix: T.String({
          pattern: '^[a-z][a-z0-9._-]*$',
          expected: 'a topic name prefix (a-z, 0-9, . _ -)',
        }),
        brokers: T.Array(HostPort, { minItems: 1 }),
        connectionTimeoutMs: Millis,
        requestTimeoutMs: Millis,
        consumer: T.Object(
          {
            sessionTimeoutMs: Millis,
            heartbeatIntervalMs: Millis,
            maxBytesPerPartition: T.Integer({ minimum: 1024 }),
            maxBytes: T.Integer({ minimum: 1024 }),
            maxWaitTimeMs: Millis,
            commitIntervalMs: T.Integer({
              minimum: 0,
              maximum: 60_000,
              expected: 'milliseconds between offset commits, 0 to commit after every batch',
            }),
          },
          strict,
        ),
      },
      strict,
    ),
    redis: T.Object({ host: Host, port: Port, db: T.Integer({ minimum: 0, maximum: 15 }) }, strict),
    mysql: SqlStore,
    postgres: T.Object({ ...SqlStore.properties, schema: Identifier }, strict),
    mongo: T.Object(
      {
        host: Host,
        port: Port,
        database: Identifier,
        poolSize: T.Integer({ minimum: 1, maximum: 200 }),
      },
      strict,
    ),
    trino: T.Object(
      {
        host: Host,
        port: Port,
        user: NonEmpty,
        catalogs: T.Object(
          { mysql: Identifier, postgresql: Identifier, mongodb: Identifier, memory: Identifier },
          strict,
        ),
      },
      strict,
    ),
    batch: T.Object(
      {
        analyticsSchema: T.String({
          pattern: '^[a-z][a-z0-9_]{0,40}$',
          expected: 'a PostgreSQL schema name (a-z, 0-9, _; at most 41 characters)',
        }),
        sqlDir: NonEmpty,
        datasetDir: NonEmpty,
        experiments: T.Object(
          {
            alpha: T.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
            power: T.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
            srmAlpha: T.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
            msprtTau: T.Number({ exclusiveMinimum: 0, maximum: 10 }),
          },
          strict,
        ),
      },
      strict,
    ),
    sink: T.Object(
      {
        groupId: T.String({
          pattern: '^[a-z][a-z0-9._-]*$',
          expected: 'a consumer group prefix (a-z, 0-9, . _ -)',
        }),
        parentWaitMs: T.Integer({ minimum: 0, maximum: 600_000 }),
        partitionsConcurrently: T.Integer({ minimum: 1, maximum: 64 }),
        metricsPort: T.Integer({ minimum: 0, maximum: 65535 }),
      },
      strict,
    ),
    features: T.Object(
      {
        keyPrefix: T.String({
          pattern: '^[a-z][a-z0-9_-]*$',
          expected: 'a Redis key prefix (a-z, 0-9, _ -)',
        }),
        dedupeHours: T.Integer({ minimum: 1, maximum: 8760 }),
        sessionTtlHours: T.Integer({ minimum: 1, maximum: 8760 }),
      },
      strict,
    ),
    processor: T.Object(
      {
        groupId: T.String({
          pattern: '^[a-z][a-z0-9._-]*$',
          expected: 'a consumer group id (a-z, 0-9, . _ -)',
        }),
        partitionsConcurrently: T.Integer({ minimum: 1, maximum: 64 }),
        metricsPort: T.Integer({ minimum: 0, maximum: 65535 }),
        segmentationModel: T.Union([T.Literal('kmeans'), T.Literal('hdbscan')], {
          expected: 'kmeans or hdbscan',
        }),
        predictions: T.Boolean(),
      },
      strict,
    ),
    stack: T.Object(
      {
        dir: NonEmpty,
        kafka: T.Object(
          {
            version: T.String({ pattern: '^3\\.9\\.[0-9]+$', expected: 'a Kafka 3.9.x version' }),
            controllerPort: Port,
            heapMb: T.Integer({ minimum: 256 }),
          },
          strict,
        ),
        trino: T.Object(
          {
            version: T.Literal('449'),
            heapMb: T.Integer({ minimum: 1024 }),
            memoryCatalogMb: T.Integer({ minimum: 64 }),
          },
          strict,
        ),
        mongo: T.Object(
          {
            version: T.String({
              pattern: '^1\\.[0-9]+\\.[0-9]+$',
              expected: 'a mongo-java-server 1.x version',
            }),
            backend: T.Union([T.Literal('h2'), T.Literal('memory')], {
              expected: 'h2 (kept on disk) or memory (faster, lost when it stops)',
            }),
            heapMb: T.Integer({ minimum: 128 }),
          },
          strict,
        ),
        startTimeoutMs: Millis,
      },
      strict,
    ),
  },
  strict,
);

export type AppConfig = Static<typeof AppConfigSchema>;
