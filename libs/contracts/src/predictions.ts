import { createHash } from 'node:crypto';
import { type Static, Type as T } from '@sinclair/typebox';
import { CustomerId, SessionId } from './fields';

/**
 * What the processor says as features change: a customer's segment when it changes, and each
 * live session's chance to convert. Published to `<prefix>.predictions.segments` (keyed by
 * customer) and `<prefix>.predictions.journey` (keyed by session).
 *
 * A consumer may rely on this: a prediction's `prediction_id` is derived from what caused it
 * (the entity, the model and version, and the state it was computed from: for a session its
 * newest event time and counts, for a customer the version of their features and the segment),
 * so a batch the processor handles again after a crash or a rebalance yields the same ids,
 * never the same prediction under a new id; deduplicate by `prediction_id`. A state already
 * predicted is normally not published again, but a crash between publishing and recording can
 * repeat one, under the same id, and so can two batches of one customer handled at once that
 * both read the same state. A session's predictions arrive in the order of its events. A
 * customer's events come on several topics handled concurrently, so two of their segment
 * predictions may arrive out of order: the one with the later `features_updated_at` is the
 * current one (what GET /customers/{id}/segment answers). A batch split differently on
 * redelivery may add a prediction for an intermediate state, with its own id. `event_id` and
 * `event_time` name the newest event of the entity in the batch that led to it.
 */
export const PREDICTION_SCHEMA_VERSION = 1;

export const PREDICTION_STREAMS = ['predictions.segments', 'predictions.journey'] as const;
export type PredictionStream = (typeof PREDICTION_STREAMS)[number];

/** Partitions of the prediction topics: as many as the busiest input, so keys spread alike. */
export const PREDICTION_PARTITIONS = 6;

export function predictionTopicsFor(
  prefix: string,
): Readonly<Record<'segments' | 'journey', string>> {
  return { segments: `${prefix}.predictions.segments`, journey: `${prefix}.predictions.journey` };
}

/** A UUID-shaped id from the parts that caused a prediction: the same cause, the same id. */
export function predictionId(...parts: readonly (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const common = {
  prediction_id: T.String({ format: 'uuid' }),
  schema_version: T.Literal(PREDICTION_SCHEMA_VERSION),
  model: T.String(),
  model_version: T.Integer({ minimum: 1 }),
  /** The event that caused it: the latest one of its entity in the batch. */
  event_id: T.String(),
  event_time: T.String({ format: 'date-time' }),
  predicted_at: T.String({ format: 'date-time' }),
};

export const SegmentPredictionSchema = T.Object({
  ...common,
  prediction_type: T.Literal('segment'),
  customer_id: CustomerId,
  segment: T.Integer({ description: '-1: noise (hdbscan)' }),
  segment_type: T.String(),
  confidence: T.Number({ minimum: 0, maximum: 1 }),
  previous_segment: T.Union([T.Integer(), T.Null()], {
    description: 'null: the first for this model version',
  }),
  features_as_of: T.String({
    format: 'date-time',
    description: "the customer's newest event: the moment the features describe",
  }),
  features_updated_at: T.String({
    format: 'date-time',
    description: "when the stream last changed the customer's features: the state's version",
  }),
});
export type SegmentPrediction = Static<typeof SegmentPredictionSchema>;

export const JourneyPredictionSchema = T.Object({
  ...common,
  prediction_type: T.Literal('journey'),
  session_id: SessionId,
  customer_id: T.Union([CustomerId, T.Null()]),
  conversion_probability: T.Number({ minimum: 0, maximum: 1 }),
  pages: T.Integer({ minimum: 0 }),
  depth: T.Integer({ minimum: 0 }),
  last_page_type: T.Union([T.String(), T.Null()]),
  ended: T.Boolean(),
});
export type JourneyPrediction = Static<typeof JourneyPredictionSchema>;
