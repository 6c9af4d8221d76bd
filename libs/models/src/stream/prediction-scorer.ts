import { Counter, type Registry } from 'prom-client';
import {
  type AmatoEvent,
  type JourneyPrediction,
  PREDICTION_SCHEMA_VERSION,
  predictionId,
  predictionTopicsFor,
  type SegmentPrediction,
} from '@amato/contracts';
import {
  type AfterApply,
  type AppliedBatch,
  type AppliedStates,
  type Contribution,
  contributionOf,
  deriveFeatures,
  type FeatureStore,
} from '@amato/features';
import type { KafkaService } from '@amato/kafka';
import type { JourneyModel } from '../journey';
import type { ServingModels } from '../registry/serving-models';
import { segmentationVector } from '../segmentation/segmentation-features';
import type { Segmenter } from '../segmentation/segmenter';
import type { PredictionStore, SegmentRecord } from './prediction-store';

/** The latest event of an entity in a batch: what a prediction about it reflects. */
interface Cause {
  readonly eventId: string;
  readonly eventTime: string;
  readonly ms: number;
}

/**
 * Customers and sessions the events touch, with the latest event of each; `contributions` are
 * the events' own, when already at hand.
 */
export function causesOf(
  events: readonly AmatoEvent[],
  contributions: readonly Contribution[] = events.map(contributionOf),
): {
  customers: Map<string, Cause>;
  sessions: Map<string, Cause>;
} {
  const customers = new Map<string, Cause>();
  const sessions = new Map<string, Cause>();
  const keep = (map: Map<string, Cause>, id: string, cause: Cause) => {
    const seen = map.get(id);
    if (!seen || cause.ms > seen.ms || (cause.ms === seen.ms && cause.eventId > seen.eventId))
      map.set(id, cause);
  };
  events.forEach((event, i) => {
    // The same entities the feature update touched: campaign events touch none.
    const contribution = contributions[i] ?? contributionOf(event);
    const { customer, session } = contribution;
    // Every op carries its event's time in epoch ms, third.
    const ms = customer?.op[2] ?? session?.op[2];
    if (ms === undefined) return;
    const cause = { eventId: event.event_id, eventTime: event.event_time, ms };
    if (customer) keep(customers, customer.customerId, cause);
    if (session) keep(sessions, session.sessionId, cause);
  });
  return { customers, sessions };
}

/**
 * Whether a customer's new segment is published, against what is stored, with a claim that
 * fails if a concurrent batch of the customer changed the record first (then decided again):
 * an older state than one already scored is not; the state already claimed is published again
 * only if it was not confirmed (a crash in between); an unchanged segment is not, but its state
 * is recorded as scored; a change is claimed, naming the segment before.
 */
export async function decideSegment(
  predictions: PredictionStore,
  prediction: SegmentPrediction,
  first: SegmentRecord,
): Promise<SegmentPrediction | undefined> {
  const { customer_id: id, model, features_updated_at: version } = prediction;
  let record = first;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (record.scoredUpTo !== undefined && record.scoredUpTo > version) return undefined;
    const stored = record.prediction;
    if (stored?.prediction_id === prediction.prediction_id)
      return record.published ? undefined : stored;
    const sameModel = stored?.model === model && stored.model_version === prediction.model_version;
    const unchanged = sameModel && stored.segment === prediction.segment && record.published;
    const claimed = {
      ...prediction,
      // A segment claimed but never confirmed (its batch crashed) was not seen: the one before
      // it was.
      previous_segment: !sameModel
        ? null
        : stored.segment !== prediction.segment
          ? stored.segment
          : stored.previous_segment,
    };
    const won = await predictions.claimSegment(
      id,
      model,
      stored?.prediction_id,
      version,
      unchanged ? undefined : claimed,
    );
    if (won) return unchanged ? undefined : claimed;
    [record] = (await predictions.segmentRecords(model, [id])) as [SegmentRecord];
  }
  throw new Error(`customer ${id}: the segment record kept changing under 20 claims`);
}

/**
 * Scores what a batch changed, after the processor applied it to Redis: the segment of each
 * customer it touched (published only when it changes) and the conversion probability of each
 * live session it touched, by the active versions of the `segmentation` and journey models.
 * Features are derived as of each customer's newest event, so a batch handled again yields the
 * same features and segment; a prediction's id is a hash of its entity, model version and the
 * state it was computed from, and a state already predicted is not published again. A segment
 * is claimed in Redis before it is published (all replicas acknowledge) and confirmed after;
 * journey predictions are recorded after. All of it happens before the batch is committed: a
 * crash in between publishes them again under the same ids.
 */
export class PredictionScorer implements AfterApply {
  private readonly published: Counter<'type'>;
  readonly topics: ReturnType<typeof predictionTopicsFor>;

  constructor(
    private readonly serving: ServingModels,
    private readonly features: FeatureStore,
    private readonly predictions: PredictionStore,
    private readonly kafka: KafkaService,
    topicPrefix: string,
    private readonly segmentation: 'kmeans' | 'hdbscan' = 'kmeans',
    registry?: Registry,
  ) {
    this.topics = predictionTopicsFor(topicPrefix);
    this.published = new Counter({
      name: 'amato_processor_predictions_total',
      help: 'Predictions published, by type (segment changes, journey updates)',
      labelNames: ['type'],
      registers: registry ? [registry] : [],
    });
  }

  /** Whether any model is served: scoring needs the states a batch leaves. */
  wantsStates(): boolean {
    return (
      this.serving.current(this.segmentation) !== undefined ||
      this.serving.current('journey') !== undefined
    );
  }

  run(batch: AppliedBatch): Promise<{ segments: number; journeys: number }> {
    return this.score(batch.events, batch);
  }

  /**
   * Scores what `events` changed, on the states the batch left when given (`applied`), else on
   * what Redis holds now.
   */
  async score(
    events: readonly AmatoEvent[],
    applied?: Omit<AppliedBatch, 'events'>,
  ): Promise<{ segments: number; journeys: number }> {
    const { customers, sessions } = causesOf(events, applied?.contributions);
    const now = new Date().toISOString();
    const [segments, journeys] = await Promise.all([
      this.segments(customers, now, applied?.states?.customers),
      this.journeys(sessions, now, applied?.states?.sessions),
    ]);
    await this.kafka.sendBatch([
      {
        topic: this.topics.segments,
        records: segments.map((s) => ({
          key: s.customer_id,
          value: JSON.stringify(s),
          headers: { prediction_id: s.prediction_id },
        })),
      },
      {
        topic: this.topics.journey,
        records: journeys.map((j) => ({
          key: j.session_id,
          value: JSON.stringify(j),
          headers: { prediction_id: j.prediction_id },
        })),
      },
    ]);
    await this.predictions.save(segments, journeys);
    this.published.inc({ type: 'segment' }, segments.length);
    this.published.inc({ type: 'journey' }, journeys.length);
    return { segments: segments.length, journeys: journeys.length };
  }

  private async segments(
    customers: Map<string, Cause>,
    now: string,
    states?: AppliedStates['customers'],
  ): Promise<SegmentPrediction[]> {
    const served = this.serving.current<Segmenter>(this.segmentation);
    if (!served || customers.size === 0) return [];
    const model = served.model.modelType;
    const ids = [...customers.keys()];
    const [aggregates, records] = await Promise.all([
      states
        ? ids.map((id) => states.get(id))
        : Promise.all(ids.map((id) => this.features.read(id))),
      this.predictions.segmentRecords(model, ids),
    ]);
    const out = await Promise.all(
      ids.map(async (id, i) => {
        const a = aggregates[i];
        const cause = customers.get(id);
        if (!a || !cause) return undefined;
        const asOf = a.lastEventMs ?? cause.ms;
        // The state's version: the stream's last write to the customer (unchanged by duplicates,
        // later with every change).
        const version = new Date(a.updatedMs ?? asOf).toISOString();
        const vector = segmentationVector(deriveFeatures(a, asOf).features, served.model.features);
        const result = served.model.assign(vector);
        const prediction: SegmentPrediction = {
          // The state's: two batches that read one state predict it under one id.
          prediction_id: predictionId('segment', id, model, served.version, version, asOf),
          schema_version: PREDICTION_SCHEMA_VERSION,
          prediction_type: 'segment',
          customer_id: id,
          model,
          model_version: served.version,
          segment: result.segment,
          segment_type: result.segmentType,
          confidence: Math.min(1, Math.max(0, result.confidence)),
          previous_segment: null,
          features_as_of: new Date(asOf).toISOString(),
          features_updated_at: version,
          event_id: cause.eventId,
          event_time: cause.eventTime,
          predicted_at: now,
        };
        return decideSegment(this.predictions, prediction, records[i] as SegmentRecord);
      }),
    );
    return out.filter((p): p is SegmentPrediction => p !== undefined);
  }

  private async journeys(
    sessions: Map<string, Cause>,
    now: string,
    applied?: AppliedStates['sessions'],
  ): Promise<JourneyPrediction[]> {
    const served = this.serving.current<JourneyModel>('journey');
    if (!served || sessions.size === 0) return [];
    const ids = [...sessions.keys()];
    const [states, previous] = await Promise.all([
      applied
        ? ids.map((id) => applied.get(id))
        : Promise.all(ids.map((id) => this.features.readJourney(id))),
      this.predictions.journeys(ids),
    ]);
    const before = new Map(previous.flatMap((p) => (p ? [[p.session_id, p.prediction_id]] : [])));
    // The id is the state's: a state scored before (a redelivered batch) is not published again.
    const idOf = (state: NonNullable<(typeof states)[number]>) =>
      predictionId(
        'journey',
        state.session_id,
        served.version,
        state.last_event_time,
        state.pages,
        state.depth,
        state.cart_adds,
        state.purchases,
        state.searches,
        String(state.ended),
      );
    const predictionIds = new Map<string, string>();
    const live = states.flatMap((s) => {
      if (!s) return [];
      const id = idOf(s);
      predictionIds.set(s.session_id, id);
      return before.get(s.session_id) !== id ? [s] : [];
    });
    if (live.length === 0) return [];
    const probabilities = await served.model.score(live);
    return live.map((state, i): JourneyPrediction => {
      const cause = sessions.get(state.session_id) as Cause;
      return {
        prediction_id: predictionIds.get(state.session_id) ?? idOf(state),
        schema_version: PREDICTION_SCHEMA_VERSION,
        prediction_type: 'journey',
        session_id: state.session_id,
        customer_id: state.customer_id,
        model: 'journey',
        model_version: served.version,
        conversion_probability: Math.min(1, Math.max(0, probabilities[i] ?? 0)),
        pages: state.pages,
        depth: state.depth,
        last_page_type: state.last_page_type,
        ended: state.ended,
        event_id: cause.eventId,
        event_time: cause.eventTime,
        predicted_at: now,
      };
    });
  }
}
