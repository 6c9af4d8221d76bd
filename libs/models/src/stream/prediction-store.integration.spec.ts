import type { SegmentPrediction } from '@amato/contracts';
import { RedisService } from '@amato/redis';
import { testConfig, uniqueName } from '@amato/testing';
import { PredictionStore } from './prediction-store';

const segment = (asOf: string, value: number): SegmentPrediction => ({
  prediction_id: '00000000-0000-5000-8000-000000000000',
  schema_version: 1,
  prediction_type: 'segment',
  customer_id: 'CUST_000001',
  model: 'kmeans',
  model_version: 1,
  segment: value,
  segment_type: `S${value}`,
  confidence: 0.9,
  previous_segment: null,
  features_as_of: asOf,
  features_updated_at: asOf,
  event_id: 'e',
  event_time: asOf,
  predicted_at: asOf,
});

describe(PredictionStore.name, () => {
  const config = testConfig();
  const prefix = uniqueName('pred');
  const redis = new RedisService(config.redis);
  const store = new PredictionStore(redis.client, prefix, 60);

  beforeAll(() => redis.connect());
  afterAll(async () => {
    await redis.client.del(store.segmentKey('CUST_000001'));
    await redis.close();
  });

  it('keeps the segment of the newest features when an older state is saved after it', async () => {
    await store.save([segment('2025-06-02T00:00:00.000Z', 2)], []);
    await store.save([segment('2025-06-01T00:00:00.000Z', 1)], []);
    expect((await store.segment('kmeans', 'CUST_000001'))?.segment).toBe(2);
    await store.save([segment('2025-06-03T00:00:00.000Z', 3)], []);
    expect((await store.segment('kmeans', 'CUST_000001'))?.segment).toBe(3);
    expect(await store.segment('hdbscan', 'CUST_000001')).toBeUndefined();
  });
});
