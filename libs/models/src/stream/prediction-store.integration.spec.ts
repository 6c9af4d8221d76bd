import { predictionId, type SegmentPrediction } from '@amato/contracts';
import { RedisService } from '@amato/redis';
import { testConfig, uniqueName } from '@amato/testing';
import { decideSegment } from './prediction-scorer';
import { PredictionStore } from './prediction-store';

/** Customer `id`'s segment `value` on the state of version `at` (a day of June 2025). */
const segment = (id: string, at: number, value: number): SegmentPrediction => {
  const version = `2025-06-${String(at).padStart(2, '0')}T00:00:00.000Z`;
  return {
    prediction_id: predictionId('segment', id, 'kmeans', 1, version),
    schema_version: 1,
    prediction_type: 'segment',
    customer_id: id,
    model: 'kmeans',
    model_version: 1,
    segment: value,
    segment_type: `S${value}`,
    confidence: 0.9,
    previous_segment: null,
    features_as_of: version,
    features_updated_at: version,
    event_id: `e${at}`,
    event_time: version,
    predicted_at: version,
  };
};

describe(PredictionStore.name, () => {
  const config = testConfig();
  const prefix = uniqueName('pred');
  const redis = new RedisService(config.redis);
  const store = new PredictionStore(redis.client, prefix, 60);
  let n = 0;
  /** A customer of its own per test. */
  const customer = () => `CUST_${String((n += 1)).padStart(6, '0')}`;
  const record = async (id: string) => {
    const [found] = await store.segmentRecords('kmeans', [id]);
    if (!found) throw new Error(`no record read for ${id}`);
    return found;
  };
  const defined = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('expected a prediction');
    return value;
  };
  /** Decides on what is stored now, then publishes and confirms what it decided. */
  const score = async (p: SegmentPrediction) => {
    const out = await decideSegment(store, p, await record(p.customer_id));
    if (out) await store.save([out], []);
    return out;
  };

  beforeAll(() => redis.connect());
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.client.del(...keys);
    await redis.close();
  });

  it('publishes a customer’s first segment and each change, naming the one before', async () => {
    const id = customer();
    expect(await score(segment(id, 1, 2))).toMatchObject({ segment: 2, previous_segment: null });
    expect(await score(segment(id, 2, 2))).toBeUndefined();
    expect(await score(segment(id, 3, 0))).toMatchObject({ segment: 0, previous_segment: 2 });
    expect(await store.segment('kmeans', id)).toMatchObject({ segment: 0, event_id: 'e3' });
    expect(await store.segment('hdbscan', id)).toBeUndefined();
  });

  it('ignores an older state scored after a newer one, even when the newer one left the segment as it was', async () => {
    const id = customer();
    await score(segment(id, 1, 2));
    // Two batches of the customer read what is stored; the newer state decides first.
    const seen = await record(id);
    expect(await decideSegment(store, segment(id, 5, 2), seen)).toBeUndefined();
    expect(await decideSegment(store, segment(id, 4, 0), seen)).toBeUndefined();
    expect(await store.segment('kmeans', id)).toMatchObject({ segment: 2 });
    expect((await record(id)).scoredUpTo).toBe(segment(id, 5, 2).features_updated_at);
  });

  it('decides again when a concurrent batch claimed first, so the newest state’s segment is stored', async () => {
    const id = customer();
    await score(segment(id, 1, 2));
    const seen = await record(id);
    const older = await decideSegment(store, segment(id, 2, 0), seen);
    const newer = await decideSegment(store, segment(id, 3, 1), seen);
    expect(older).toMatchObject({ segment: 0, previous_segment: 2 });
    expect(newer).toMatchObject({ segment: 1, previous_segment: 0 });
    await store.save([defined(newer), defined(older)], []);
    expect(await store.segment('kmeans', id)).toEqual(newer);
    expect((await record(id)).published).toBe(true);
  });

  it('publishes a claimed segment again, the same, when its batch crashed before confirming it', async () => {
    const id = customer();
    await score(segment(id, 1, 2));
    const claimed = await decideSegment(store, segment(id, 2, 3), await record(id));
    expect((await record(id)).published).toBe(false);
    // Redelivered: the same state, scored again later.
    const again = await decideSegment(
      store,
      { ...segment(id, 2, 3), predicted_at: 'later' },
      await record(id),
    );
    expect(again).toEqual(claimed);
    await store.save([defined(again)], []);
    expect(await score(segment(id, 2, 3))).toBeUndefined();
    // A newer state of the same segment after an unconfirmed claim is published: it was never seen.
    const id2 = customer();
    await score(segment(id2, 1, 2));
    await decideSegment(store, segment(id2, 2, 3), await record(id2));
    expect(await score(segment(id2, 3, 3))).toMatchObject({ segment: 3, previous_segment: 2 });
  });

  it('starts again on a new model version, with no segment before', async () => {
    const id = customer();
    await score(segment(id, 1, 2));
    const next = { ...segment(id, 1, 2), model_version: 2, prediction_id: 'v2' };
    expect(await score(next)).toMatchObject({ model_version: 2, previous_segment: null });
  });
});
