import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicSpecs, topicsFor } from '@amato/contracts';
import { KafkaService } from '@amato/kafka';
import { type StackContext, pidFileLifecycle, type StackService } from '../context';
import { fetchArtifacts } from '../maven';
import { adapterConnects, usingAdapter, run, spawnDetached } from '../runtime';

function broker(ctx: StackContext): { host: string; port: number } {
  const [host = '127.0.0.1', port = '19092'] = (ctx.config.kafka.brokers[0] ?? '').split(':');
  return { host, port: Number(port) };
}

function libDir(ctx: StackContext): string {
  return join(ctx.optDir, `kafka-${ctx.config.stack.kafka.version}`, 'lib');
}

function writeConfig(ctx: StackContext): {
  serverProperties: string;
  log4j: string;
  dataDir: string;
} {
  const home = ctx.dataDir('kafka');
  const dataDir = join(home, 'log');
  const configDir = join(home, 'config');
  mkdirSync(configDir, { recursive: true });
  const { host, port } = broker(ctx);
  const controller = ctx.config.stack.kafka.controllerPort;
  const serverProperties = join(configDir, 'server.properties');
  // Single-node KRaft. Replication factors of 1 because there is one broker; topics are created
  // explicitly (auto-create off) so a missing create step fails loudly instead of making a
  // topic with the wrong partition count.
  writeFileSync(
    serverProperties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controller}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controller}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${dataDir}`,
      'num.partitions=6',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=6',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'delete.topic.enable=true',
      // Recover quickly after a kill -9: the old registration expires in 3 s, not 9.
      'broker.heartbeat.interval.ms=1000',
      'broker.session.timeout.ms=3000',
      '',
    ].join('\n'),
  );
  const log4j = join(configDir, 'log4j.properties');
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.request.logger=WARN',
      'log4j.logger.state.change.logger=WARN',
      'log4j.logger.kafka.authorizer.logger=WARN',
      'log4j.logger.org.apache.kafka.storage=WARN',
      '',
    ].join('\n'),
  );
  return { serverProperties, log4j, dataDir };
}

/** Apache Kafka 3.9 from Maven Central jars, single-node KRaft (broker and controller in one). */
export const kafka: StackService = {
  name: 'kafka',
  title: 'Kafka',
  portSetting: 'AMATO_KAFKA__BROKERS',
  endpoint: broker,
  extraPorts: (ctx) => [ctx.config.stack.kafka.controllerPort],

  install(ctx) {
    const version = ctx.config.stack.kafka.version;
    fetchArtifacts(
      ctx,
      'kafka',
      [
        { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version },
        // Kafka 3.x logs through slf4j 1.7 + log4j 1; the jars leave the binding to the distribution.
        { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
        { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
      ],
      libDir(ctx),
    );
    return Promise.resolve();
  },

  start(ctx) {
    const { serverProperties, log4j, dataDir } = writeConfig(ctx);
    const classpath = `${libDir(ctx)}/*`;
    const log4jFlag = `-Dlog4j.configuration=file:${log4j}`;
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      const clusterId = run(
        'java',
        [log4jFlag, '-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid'],
        {
          what: 'kafka random-uuid',
        },
      ).stdout.trim();
      run(
        'java',
        [
          log4jFlag,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          serverProperties,
        ],
        {
          what: 'kafka storage format',
        },
      );
    }
    const heap = `${ctx.config.stack.kafka.heapMb}m`;
    spawnDetached({
      command: 'java',
      args: [
        `-Xmx${heap}`,
        `-Xms${heap}`,
        '-server',
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        log4jFlag,
        '-cp',
        classpath,
        'kafka.Kafka',
        serverProperties,
      ],
      logFile: ctx.logFile('kafka'),
      pidFile: ctx.pidFile('kafka'),
    });
    return Promise.resolve();
  },

  async bootstrap(ctx) {
    // Have the broker create __consumer_offsets now, so the first consumer group does not wait.
    const service = new KafkaService(ctx.config.kafka);
    try {
      await service.connect();
      await service
        .committedOffsets('__amato_stack_warmup', '__amato_stack_warmup')
        .catch(() => undefined);
    } finally {
      await service.close();
    }
  },

  prepare: (ctx) =>
    usingAdapter(new KafkaService(ctx.config.kafka), (kafka) =>
      kafka.ensureTopics(topicSpecs(topicsFor(ctx.config.kafka.topicPrefix))),
    ),

  ready: (ctx) => adapterConnects(new KafkaService(ctx.config.kafka)),

  ...pidFileLifecycle('kafka', 30_000),
};
