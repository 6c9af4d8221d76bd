import { predictionTopicsFor, topicSpecs, topicsFor } from '@amato/contracts';
import { KafkaService } from '@amato/kafka';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApi } from '../apps/api/src/main';

/**
 * The ops reads against real Kafka, on this test's own topics and group names: topics and lag,
 * the latest dead letters, and the live feed of predictions.
 */
describe('ops over HTTP', () => {
  const config = testConfig();
  const prefix = uniqueName('ops');
  const topics = topicsFor(prefix);
  const headers = { 'x-api-key': 'test-key-ops-0123456789' };
  const kafka = new KafkaService(config.kafka);
  let api: NestFastifyApplication;
  const letter = {
    failed_at: '2026-01-01T10:00:00.000Z',
    stage: 'sink:validate',
    reason: 'the event does not match its schema',
    problems: [{ path: 'payload.email', message: 'must match format "email"' }],
    source: { topic: topics.customers, partition: 2, offset: '41', key: 'CUST_000007' },
    event_type: 'customer.registered',
    event_id: 'evt-1',
    original: `{"x":"${'y'.repeat(5_000)}"}`,
  };

  beforeAll(async () => {
    await kafka.connect();
    await kafka.ensureTopics(topicSpecs(topics));
    await kafka.send(
      topics.customers,
      Array.from({ length: 5 }, (_, i) => ({ key: `CUST_${i}`, value: `{"n":${i}}` })),
    );
    await kafka.send(topics.dlq, [{ key: 'x', value: '{"reason":"test"}' }]);
    await kafka.send(topics.dlq, [{ key: 'CUST_000007', value: JSON.stringify(letter) }]);
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
    await kafka.deleteTopics(Object.values(predictionTopicsFor(prefix))).catch(() => undefined);
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
      'predictions.segments',
      'predictions.journey',
    ]);
    // Not created until the processor starts: named, without partitions.
    expect(body.topics.find((t) => t.name === 'predictions.journey')).toMatchObject({
      exists: false,
      partitions: [],
      messages: 0,
    });
    const customers = body.topics.find((t) => t.name === 'customers');
    expect(customers).toMatchObject({ topic: topics.customers, messages: 5 });
    expect(customers?.partitions.length).toBeGreaterThan(0);
    expect(body.topics.find((t) => t.name === 'dlq')?.messages).toBe(2);
    // Nothing consumed yet: the sink's customers group lags by all five, with no commit.
    const sink = body.groups.find((g) => g.group === `${prefix}-sink.customers`);
    expect(sink).toMatchObject({ lag: 5, state: 'Dead' });
    expect(sink?.partitions.every((p) => p.committed === null)).toBe(true);
    const processor = body.groups.find((g) => g.group === `${prefix}-processor`);
    expect(processor?.lag).toBe(5);
  });

  it('answers only with a key', async () => {
    for (const url of ['/ops/topics', '/ops/dead-letters', '/predictions/live']) {
      const r = await api.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(401);
    }
  });

  it('gives the latest dead letters newest first, with reason, stage and source offset', async () => {
    const r = await api.inject({ method: 'GET', url: '/ops/dead-letters', headers });
    expect(r.statusCode).toBe(200);
    const body = r.json<{
      topic: string;
      held: number;
      letters: { reason: string; stage: string; original: string | null; source: unknown }[];
    }>();
    expect(body).toMatchObject({ topic: topics.dlq, exists: true, held: 2 });
    expect(body.letters).toHaveLength(2);
    expect(body.letters[0]).toMatchObject({
      stage: 'sink:validate',
      reason: letter.reason,
      problems: letter.problems,
      source: letter.source,
      event_type: 'customer.registered',
    });
    // A long original is cut, and says so.
    expect(body.letters[0]?.original).toHaveLength(2_001);
    // A record that is not a whole letter still shows what it has.
    expect(body.letters[1]).toMatchObject({ reason: 'test', stage: 'unknown' });
    const one = await api.inject({ method: 'GET', url: '/ops/dead-letters?limit=1', headers });
    expect(one.json<{ letters: unknown[] }>().letters).toHaveLength(1);
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'since=1'])(
    'refuses /ops/dead-letters?%s naming the parameter',
    async (query) => {
      const r = await api.inject({ method: 'GET', url: `/ops/dead-letters?${query}`, headers });
      expect(r.statusCode).toBe(400);
      expect(r.json<{ message: string }>().message).toMatch(query.split('=')[0] ?? '');
    },
  );

  it('has no dead letters, and no outage, before the DLQ topic exists', async () => {
    const empty = await createApi({
      ...config,
      kafka: { ...config.kafka, topicPrefix: `${prefix}_none` },
      api: { ...config.api, apiKeys: [headers['x-api-key']] },
    });
    try {
      await empty.init();
      const r = await empty.inject({ method: 'GET', url: '/ops/dead-letters', headers });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({
        topic: `${prefix}_none.dlq`,
        exists: false,
        held: 0,
        letters: [],
      });
    } finally {
      await empty.close();
    }
  });

  it('says which topic is missing when there are no predictions yet', async () => {
    const r = await api.inject({ method: 'GET', url: '/predictions/live', headers });
    expect(r.statusCode).toBe(503);
    expect(r.json<{ message: string }>().message).toMatch(
      new RegExp(`${prefix}\\.predictions\\.segments .* does not exist yet`),
    );
  });

  it('streams the predictions: the newest first, then each as it is published', async () => {
    const predictions = predictionTopicsFor(prefix);
    await kafka.ensureTopics(Object.values(predictions).map((topic) => ({ topic, partitions: 2 })));
    const segment = {
      prediction_type: 'segment',
      customer_id: 'CUST_000001',
      segment_type: 'Loyal',
    };
    await kafka.send(predictions.segments, [
      { key: 'CUST_000001', value: JSON.stringify(segment) },
    ]);
    await api.listen(0, '127.0.0.1');
    const address = api.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const aborter = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/predictions/live?backlog=10`, {
      headers,
      signal: aborter.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no stream');
    let text = '';
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in: ${text}`);
        const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
        if (chunk.done) throw new Error(`the stream ended: ${text}`);
        text += new TextDecoder().decode(chunk.value);
      }
    };
    try {
      await until(/event: segment\ndata: .*"Loyal"/);
      const journey = {
        prediction_type: 'journey',
        session_id: 'SESS_0000beef',
        conversion_probability: 0.42,
      };
      await kafka.send(predictions.journey, [
        { key: 'SESS_0000beef', value: JSON.stringify(journey) },
      ]);
      await until(/event: journey\ndata: .*"conversion_probability":0\.42/);
      expect(text).toMatch(new RegExp(`id: ${prefix}\\.predictions\\.journey:\\d+:0\\n`));
    } finally {
      aborter.abort();
    }
  }, 60_000);

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
