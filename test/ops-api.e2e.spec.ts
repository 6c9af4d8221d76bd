import { topicSpecs, topicsFor } from '@amato/contracts';
import { KafkaService } from '@amato/kafka';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApi } from '../apps/api/src/main';

/** GET /ops/topics against real Kafka, on this test's own topics and group names. */
describe('ops over HTTP: /ops/topics', () => {
  const config = testConfig();
  const prefix = uniqueName('ops');
  const topics = topicsFor(prefix);
  const headers = { 'x-api-key': 'test-key-ops-0123456789' };
  const kafka = new KafkaService(config.kafka);
  let api: NestFastifyApplication;

  beforeAll(async () => {
    await kafka.connect();
    await kafka.ensureTopics(topicSpecs(topics));
    await kafka.send(
      topics.customers,
      Array.from({ length: 5 }, (_, i) => ({ key: `CUST_${i}`, value: `{"n":${i}}` })),
    );
    await kafka.send(topics.dlq, [{ key: 'x', value: '{"reason":"test"}' }]);
    api = await createApi({
      ...config,
      kafka: { ...config.kafka, topicPrefix: prefix },
      sink: { ...config.sink, groupId: `${prefix}-sink` },
      processor: { ...config.processor, groupId: `${prefix}-processor` },
      api: { ...config.api, apiKeys: [headers['x-api-key']] },
    });
    await api.init();
  }, 60_000);

  afterAll(async () => {
    await api.close();
    await kafka.deleteTopics(Object.values(topics));
    await kafka.close();
  });

  it("gives every topic's partitions and offsets, and each group's lag per partition", async () => {
    const r = await api.inject({ method: 'GET', url: '/ops/topics', headers });
    expect(r.statusCode).toBe(200);
    const body = r.json<{
      topics: { name: string; topic: string; messages: number; partitions: unknown[] }[];
      groups: {
        group: string;
        lag: number;
        state: string;
        partitions: { committed: number | null }[];
      }[];
    }>();
    expect(body.topics.map((t) => t.name)).toEqual([
      'customers',
      'transactions',
      'campaigns',
      'clickstream',
      'dlq',
    ]);
    const customers = body.topics.find((t) => t.name === 'customers');
    expect(customers).toMatchObject({ topic: topics.customers, messages: 5 });
    expect(customers?.partitions.length).toBeGreaterThan(0);
    expect(body.topics.find((t) => t.name === 'dlq')?.messages).toBe(1);
    // Nothing consumed yet: the sink's customers group lags by all five, with no commit.
    const sink = body.groups.find((g) => g.group === `${prefix}-sink.customers`);
    expect(sink).toMatchObject({ lag: 5, state: 'Dead' });
    expect(sink?.partitions.every((p) => p.committed === null)).toBe(true);
    const processor = body.groups.find((g) => g.group === `${prefix}-processor`);
    expect(processor?.lag).toBe(5);
  });

  it('answers only with a key', async () => {
    const r = await api.inject({ method: 'GET', url: '/ops/topics' });
    expect(r.statusCode).toBe(401);
  });

  it('says which Kafka did not answer, with a 503', async () => {
    const port = await closedPort();
    const down = await createApi({
      ...config,
      kafka: { ...config.kafka, brokers: [`127.0.0.1:${port}`], topicPrefix: prefix },
      api: { ...config.api, apiKeys: [headers['x-api-key']] },
    });
    try {
      await down.init();
      const r = await down.inject({ method: 'GET', url: '/ops/topics', headers });
      expect(r.statusCode).toBe(503);
      expect(r.json<{ message: string }>().message).toMatch(
        new RegExp(`Kafka at 127\\.0\\.0\\.1:${port} did not answer`),
      );
    } finally {
      await down.close();
    }
  }, 120_000);
});
