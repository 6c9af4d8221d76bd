import { topicSpecs, topicsFor } from '@amato/contracts';
import { KafkaService } from '@amato/kafka';
import { testConfig, uniqueName } from '@amato/testing';
import { Dataset } from './dataset';
import { publish } from './publisher';

describe('publishing a generated dataset to Kafka', () => {
  const config = testConfig();
  const topics = topicsFor(uniqueName('gen'));
  let kafka: KafkaService;

  beforeAll(async () => {
    kafka = await new KafkaService(config.kafka).connect();
    await kafka.ensureTopics(topicSpecs(topics));
  });

  afterAll(async () => {
    await kafka.deleteTopics(Object.values(topics));
    await kafka.close();
  });

  it('lands every event on its stream', async () => {
    const dataset = new Dataset({ seed: 11, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
    const summary = await publish(dataset.events(), topics, kafka, { batchSize: 2000 });
    expect(summary.published).toBe(dataset.totalEvents);
    const t = summary.byType;
    const n = (type: string) => t[type] ?? 0;
    const expected = {
      [topics.customers]: n('customer.created') + n('customer.updated'),
      [topics.transactions]: n('transaction.created'),
      [topics.campaigns]:
        n('campaign.upserted') +
        n('campaign.performance.recorded') +
        n('ab_test.upserted') +
        n('ab_test.exposure.recorded') +
        n('ab_test.result.recorded'),
      [topics.clickstream]:
        n('session.ended') +
        n('page.viewed') +
        n('interaction.occurred') +
        n('product.interacted') +
        n('search.performed'),
    };
    for (const [topic, count] of Object.entries(expected)) {
      expect({ topic, records: await kafka.topicRecordCount(topic) }).toEqual({
        topic,
        records: count,
      });
    }
  });
});
