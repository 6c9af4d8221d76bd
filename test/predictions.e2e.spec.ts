import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  type AmatoEvent,
  type JourneyPrediction,
  predictionTopicsFor,
  type SegmentPrediction,
} from '@amato/contracts';
import { applyPostgresSchema } from '@amato/ddl';
import { deriveFeatures, FEATURE_STREAMS } from '@amato/features';
import { Dataset, publish } from '@amato/generator';
import {
  JourneyModel,
  KmeansModel,
  ModelRegistry,
  SEGMENTATION_FEATURES,
  segmentationVector,
  trainKmeans,
} from '@amato/models';
import { PostgresService } from '@amato/postgres';
import { createStreamService } from '@amato/stream';
import {
  activateStreamModels,
  oracleAggregates,
  ownStream,
  testConfig,
  waitFor,
  waitUntilCaughtUp,
} from '@amato/testing';
import { createApi } from '../apps/api/src/main';
import { processorService } from '../apps/processor/src/processor.service';

const END = new Date('2026-01-01T00:00:00Z');

/**
 * Generated events in, predictions out: the processor scores what each batch changed with the
 * active model versions and publishes segment changes and live-session probabilities, and the
 * API answers the same for the same customer and session. A redelivery publishes nothing new.
 */
describe('predictions in the stream', () => {
  const world = ownStream('pred');
  const { name, topics, kafka, store } = world;
  const groupId = `${name}.processor`;
  const predictionTopics = predictionTopicsFor(name);
  const events: AmatoEvent[] = [...new Dataset({ seed: 31, scale: 0.01, end: END }).events()];
  const env = {
    AMATO_KAFKA__TOPIC_PREFIX: name,
    AMATO_FEATURES__KEY_PREFIX: name,
    AMATO_PROCESSOR__GROUP_ID: groupId,
    AMATO_POSTGRES__SCHEMA: name,
  };
  const config = testConfig(env);
  const headers = { 'x-api-key': 'test-key-predictions-0123456789' };
  const postgres = new PostgresService(config.postgres);
  const registry = new ModelRegistry(postgres, name);
  let processor: INestMicroservice;
  let api: NestFastifyApplication;
  let kmeans: KmeansModel;
  let journey: JourneyModel;

  /** Every record of a topic so far, read from the start by a group of its own. */
  async function readAll<T>(topic: string, expectAtLeast: number, reader: string): Promise<T[]> {
    const out: T[] = [];
    const consumer = kafka.createBatchConsumer({
      groupId: `${name}.${reader}`,
      topics: [topic],
      handler: (batch) => {
        for (const r of batch.records) out.push(JSON.parse(r.value?.toString() ?? '') as T);
        return Promise.resolve();
      },
    });
    await consumer.start();
    try {
      await waitFor(
        `${expectAtLeast} records on ${topic}`,
        () => out.length,
        (n) => n >= expectAtLeast,
      );
      // Then until nothing more arrives for a moment.
      let seen = -1;
      await waitFor(
        'the topic to be read to its end',
        () => {
          const settled = out.length === seen;
          seen = out.length;
          return settled;
        },
        Boolean,
        { intervalMs: 1500 },
      );
    } finally {
      await consumer.stop();
    }
    return out;
  }

  beforeAll(async () => {
    await world.setUp();
    await postgres.connect();
    await applyPostgresSchema(postgres, name);
    // k-means trained on these customers' final features; the journey model of the fixture.
    const active = await activateStreamModels(registry, events, END, { k: 4, seed: 5 });
    kmeans = active.kmeans;
    journey = await JourneyModel.load(new Uint8Array(active.journeyOnnx), active.journeyMetadata);

    processor = await createStreamService(processorService, config);
    await processor.listen();
    api = await createApi({ ...config, api: { ...config.api, apiKeys: [headers['x-api-key']] } });
    await api.init();
    await api.getHttpAdapter().getInstance().ready();
  }, 120_000);

  afterAll(async () => {
    await api.close();
    await processor.close();
    await journey.release();
    await kafka.deleteTopics(Object.values(predictionTopics)).catch(() => undefined);
    await postgres.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await postgres.close();
    await world.tearDown();
  });

  /** Records that share an id are the same prediction (a consumer may deduplicate by it). */
  function expectSameForSameId(
    records: readonly { prediction_id: string; predicted_at: string }[],
  ) {
    const byId = new Map<string, string>();
    for (const { predicted_at: _, ...rest } of records) {
      const content = JSON.stringify(rest);
      const seen = byId.get(rest.prediction_id);
      if (seen !== undefined) expect(content).toBe(seen);
      byId.set(rest.prediction_id, content);
    }
  }

  const get = async (url: string) => {
    const r = await api.inject({ method: 'GET', url, headers });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };

  it('publishes each customer’s segment and each session’s probability, as the models and the API say', async () => {
    await publish(events, topics, kafka, { batchSize: 500 });
    await waitUntilCaughtUp(
      kafka,
      groupId,
      FEATURE_STREAMS.map((s) => topics[s]),
      120_000,
    );
    const customers = oracleAggregates(events);
    const segments = await readAll<SegmentPrediction>(
      predictionTopics.segments,
      customers.size,
      'seg-reader',
    );
    const journeys = await readAll<JourneyPrediction>(
      predictionTopics.journey,
      1,
      'journey-reader',
    );

    // One id, one prediction: a repeat (two batches of a customer reading one state) is the same.
    expectSameForSameId(segments);
    expectSameForSameId(journeys);
    expect(segments.every((s) => s.model === 'kmeans' && s.model_version === 1)).toBe(true);

    // The last segment of each customer is the model's answer on their features, and the API's.
    // The newest per customer: a customer's topics are handled concurrently, so the topic's
    // order per key follows features_updated_at only within each of their streams.
    const last = new Map<string, SegmentPrediction>();
    for (const s of segments) {
      const seen = last.get(s.customer_id);
      if (!seen || s.features_updated_at >= seen.features_updated_at) last.set(s.customer_id, s);
    }
    expect(last.size).toBe(customers.size);
    for (const [customerId, prediction] of [...last].slice(0, 40)) {
      const aggregates = await store.read(customerId);
      if (!aggregates) throw new Error(`no features for ${customerId}`);
      const asOf = aggregates.lastEventMs ?? 0;
      const expected = kmeans.assign(segmentationVector(deriveFeatures(aggregates, asOf).features));
      expect(prediction).toMatchObject({ segment: expected.segment, segment_type: expected.name });
      expect((await get(`/customers/${customerId}/segment`)).body).toEqual(prediction);
    }
    // A change of segment names the one before.
    for (const s of segments)
      if (s.previous_segment !== null) expect(s.previous_segment).not.toBe(s.segment);

    // The last prediction of each session is the journey model's on its state, and the API's.
    const lastJourney = new Map<string, JourneyPrediction>();
    for (const j of journeys) lastJourney.set(j.session_id, j);
    for (const [sessionId, prediction] of [...lastJourney].slice(0, 40)) {
      const state = await store.readJourney(sessionId);
      if (!state) throw new Error(`no journey for ${sessionId}`);
      const [p] = await journey.score([state]);
      expect(prediction.conversion_probability).toBeCloseTo(p ?? -1, 6);
      expect(prediction).toMatchObject({ pages: state.pages, depth: state.depth });
      expect((await get(`/sessions/${sessionId}/prediction`)).body).toEqual(prediction);
    }
    expect((await get('/customers/CUST_999999/segment')).status).toBe(404);
    expect((await get('/sessions/SESS_NOSUCHONE/prediction')).status).toBe(404);
  }, 240_000);

  it('publishes nothing new when every event is delivered again', async () => {
    const before = {
      segments: (await readAll<SegmentPrediction>(predictionTopics.segments, 1, 'seg-before'))
        .length,
      journeys: (await readAll<JourneyPrediction>(predictionTopics.journey, 1, 'journey-before'))
        .length,
    };
    await publish([...events].reverse(), topics, kafka, { batchSize: 700 });
    await waitUntilCaughtUp(
      kafka,
      groupId,
      FEATURE_STREAMS.map((s) => topics[s]),
      120_000,
    );
    const after = {
      segments: (
        await readAll<SegmentPrediction>(predictionTopics.segments, before.segments, 'seg-after')
      ).length,
      journeys: (
        await readAll<JourneyPrediction>(predictionTopics.journey, before.journeys, 'journey-after')
      ).length,
    };
    expect(after).toEqual(before);
  }, 240_000);
  it('uses a version activated while events flow for the next predictions, without a restart', async () => {
    const more = [
      ...new Dataset({ seed: 32, scale: 0.01, end: new Date('2026-02-01T00:00:00Z') }).events(),
    ];
    const half = Math.floor(more.length / 2);
    const flowing = publish(more.slice(0, half), topics, kafka, { batchSize: 200 });
    // A second k-means version, of another k, activated mid-stream.
    const vectors = [...oracleAggregates(events).values()].map((a) =>
      segmentationVector(deriveFeatures(a, END.getTime()).features),
    );
    const { artifact } = trainKmeans(SEGMENTATION_FEATURES, vectors, {
      ks: [3],
      seed: 9,
      refits: 1,
    });
    const next = KmeansModel.fromArtifact(artifact, SEGMENTATION_FEATURES);
    const v2 = await registry.register({
      name: 'kmeans',
      format: artifact.format,
      artifact: Buffer.from(JSON.stringify(artifact)),
      metadata: { features: artifact.features },
    });
    await registry.activate('kmeans', v2.version, () => next);
    await flowing;
    await publish(more.slice(half), topics, kafka, { batchSize: 200 });
    await waitUntilCaughtUp(
      kafka,
      groupId,
      FEATURE_STREAMS.map((s) => topics[s]),
      120_000,
    );

    const segments = await readAll<SegmentPrediction>(predictionTopics.segments, 1, 'seg-switch');
    expectSameForSameId(segments);
    expect(segments.some((s) => s.model_version === v2.version)).toBe(true);
    // Every customer of the second half is now in a segment of the new version, as it says.
    const late = new Set(oracleAggregates(more.slice(half)).keys());
    for (const customerId of [...late].slice(0, 30)) {
      const r = await get(`/customers/${customerId}/segment`);
      expect(r.body).toMatchObject({ model_version: v2.version });
      const aggregates = await store.read(customerId);
      if (!aggregates) throw new Error(`no features for ${customerId}`);
      const expected = next.assign(
        segmentationVector(deriveFeatures(aggregates, aggregates.lastEventMs ?? 0).features),
      );
      expect(r.body.segment).toBe(expected.segment);
    }
  }, 240_000);
});
