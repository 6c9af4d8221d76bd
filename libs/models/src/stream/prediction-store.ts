import type { Redis } from 'ioredis';
import type { JourneyPrediction, SegmentPrediction } from '@amato/contracts';

/**
 * A customer's segment record per model, in one hash: `<model>` the latest claimed prediction
 * (JSON, what the API serves), `<model>@id` its id, `<model>@t` the newest state version scored
 * (ISO `features_updated_at`; ISO times compare as strings) and `<model>@pub` the id of the last
 * prediction confirmed on Kafka.
 *
 * CLAIM: ARGV model, the id the caller read ('' for none), the state version, and the new
 * prediction's JSON and id ('' to only advance the version). Refused (0) when another writer got
 * there first: the stored id is not the one read, or a newer state was scored.
 */
const CLAIM_SEGMENT = `
local m = ARGV[1]
local cur = redis.call('HMGET', KEYS[1], m .. '@id', m .. '@t')
if (cur[1] or '') ~= ARGV[2] then return 0 end
if cur[2] and cur[2] > ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], m .. '@t', ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], m, ARGV[4], m .. '@id', ARGV[5]) end
return 1`;

/** CONFIRM: ARGV model, id. Marks the claimed prediction published, if it is still the one. */
const CONFIRM_SEGMENT = `
if redis.call('HGET', KEYS[1], ARGV[1] .. '@id') == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1] .. '@pub', ARGV[2])
end
return 1`;

/** What is stored of a customer's segment by one model. */
export interface SegmentRecord {
  /** The latest claimed prediction, as stored (published or about to be). */
  readonly prediction?: SegmentPrediction;
  readonly json?: string;
  /** The newest state version scored, ISO. */
  readonly scoredUpTo?: string;
  /** Whether `prediction` is confirmed on Kafka. */
  readonly published: boolean;
}

/**
 * The latest prediction per customer (per segmentation model) and per live session, in Redis
 * beside the features: what GET /customers/{id}/segment and GET /sessions/{id}/prediction
 * answer, and what the processor compares a new segment with. A customer's segment is claimed
 * (compare-and-set on the stored id and the state version) before it is published and confirmed
 * after, so that concurrent batches of one customer, on its several topics, agree on which
 * state's segment is current and a crash in between is published again. Sessions expire with
 * their journey; a customer's segments stay.
 */
export class PredictionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly sessionTtlSeconds: number,
  ) {}

  segmentKey(customerId: string): string {
    return `${this.keyPrefix}:pred:seg:{${customerId}}`;
  }

  journeyKey(sessionId: string): string {
    return `${this.keyPrefix}:pred:j:{${sessionId}}`;
  }

  /** The segment records of each customer by `model`, in order. */
  async segmentRecords(model: string, customerIds: readonly string[]): Promise<SegmentRecord[]> {
    if (customerIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of customerIds)
      pipeline.hmget(this.segmentKey(id), model, `${model}@id`, `${model}@t`, `${model}@pub`);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, value]): SegmentRecord => {
      if (err) throw err;
      const [json, id, scoredUpTo, pub] = value as (string | null)[];
      return {
        ...(json ? { prediction: JSON.parse(json) as SegmentPrediction, json } : {}),
        ...(scoredUpTo ? { scoredUpTo } : {}),
        published: Boolean(id) && id === pub,
      };
    });
  }

  /** The latest segment of each customer by `model`, in order; undefined where there is none. */
  async segments(
    model: string,
    customerIds: readonly string[],
  ): Promise<(SegmentPrediction | undefined)[]> {
    return (await this.segmentRecords(model, customerIds)).map((r) => r.prediction);
  }

  async segment(model: string, customerId: string): Promise<SegmentPrediction | undefined> {
    const [found] = await this.segments(model, [customerId]);
    return found;
  }

  /**
   * Claims `prediction` as the customer's current segment, or (without one) records that the
   * state `version` was scored and left it as it is; `expectedId` is the stored prediction's id
   * the decision was made on. False when another writer changed the record first: read again.
   */
  async claimSegment(
    customerId: string,
    model: string,
    expectedId: string | undefined,
    version: string,
    prediction?: SegmentPrediction,
  ): Promise<boolean> {
    const reply = await this.redis.eval(
      CLAIM_SEGMENT,
      1,
      this.segmentKey(customerId),
      model,
      expectedId ?? '',
      version,
      prediction ? JSON.stringify(prediction) : '',
      prediction?.prediction_id ?? '',
    );
    return reply === 1;
  }

  async journey(sessionId: string): Promise<JourneyPrediction | undefined> {
    const [found] = await this.journeys([sessionId]);
    return found;
  }

  /** The latest prediction of each session, in order, in one round trip. */
  async journeys(sessionIds: readonly string[]): Promise<(JourneyPrediction | undefined)[]> {
    if (sessionIds.length === 0) return [];
    // A GET each rather than an MGET: the keys are in different cluster slots.
    const pipeline = this.redis.pipeline();
    for (const id of sessionIds) pipeline.get(this.journeyKey(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, value]) => {
      if (err) throw err;
      return typeof value === 'string' ? (JSON.parse(value) as JourneyPrediction) : undefined;
    });
  }

  /** Records the predictions just published, in one round trip. */
  async save(
    segments: readonly SegmentPrediction[],
    journeys: readonly JourneyPrediction[],
  ): Promise<void> {
    if (segments.length === 0 && journeys.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const s of segments)
      pipeline.eval(CONFIRM_SEGMENT, 1, this.segmentKey(s.customer_id), s.model, s.prediction_id);
    for (const j of journeys)
      pipeline.set(this.journeyKey(j.session_id), JSON.stringify(j), 'EX', this.sessionTtlSeconds);
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
  }
}
