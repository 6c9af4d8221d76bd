import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '@amato/config';
import { topicSpecs, topicsFor, type Topics } from '@amato/contracts';
import { FeatureStore } from '@amato/features';
import { KafkaService } from '@amato/kafka';
import { RedisService } from '@amato/redis';
import { testConfig, uniqueName } from './resources';

/**
 * A test's own topics and Redis key prefix, both named `name`, for the stream processor:
 * nothing another test can see. tearDown deletes the topics and every key under the prefix.
 */
export interface OwnStream {
  readonly name: string;
  readonly topics: Topics;
  readonly kafka: KafkaService;
  readonly redis: RedisService;
  readonly store: FeatureStore;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

/** `config`: other servers than the test configuration's (a fault run's own Kafka and Redis). */
export function ownStream(prefix: string, config: AppConfig = testConfig()): OwnStream {
  const name = uniqueName(prefix);
  const topics = topicsFor(name);
  const kafka = new KafkaService(config.kafka);
  const redis = new RedisService(config.redis);
  const store = new FeatureStore(redis.client, {
    keyPrefix: name,
    dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
    sessionTtlSeconds: config.features.sessionTtlHours * 3600,
  });
  return {
    name,
    topics,
    kafka,
    redis,
    store,
    async setUp() {
      await Promise.all([kafka.connect(), redis.connect()]);
      await kafka.ensureTopics(topicSpecs(topics));
      await store.loadScripts();
    },
    async tearDown() {
      await kafka.deleteTopics(Object.values(topics));
      const scan = redis.client.scanStream({ match: `${name}:*`, count: 1000 });
      for await (const keys of scan as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.client.unlink(...keys);
      }
      await Promise.all([kafka.close(), redis.close()]);
    },
  };
}

/** Waits until the group has committed every record of the topics. */
export async function waitUntilCaughtUp(
  kafka: KafkaService,
  groupId: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lag = await kafka.groupLag(groupId, topics);
  while (lag > 0) {
    if (Date.now() > deadline) throw new Error(`group ${groupId} still ${lag} records behind`);
    await sleep(200);
    lag = await kafka.groupLag(groupId, topics);
  }
}
