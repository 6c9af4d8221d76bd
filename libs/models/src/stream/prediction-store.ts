import type { Redis } from 'ioredis';
import type { JourneyPrediction, SegmentPrediction } from '@amato/contracts';

// Keeps a segment only if its features are at least as recent as the stored one's (by the
// features' version, the stream's last write to them): a customer's events arrive on several
// topics whose batches run concurrently, and the older state's prediction must not overwrite
// the newer one's. ISO times compare as strings.
const SAVE_SEGMENT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and stored.features_updated_at and stored.features_updated_at > ARGV[2] then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

/**
 * The latest prediction per customer (per segmentation model) and per live session, in Redis
 * beside the features: what GET /customers/{id}/segment and GET /sessions/{id}/prediction
 * answer, and what the processor compares a new segment with. Sessions expire with their
 * journey; a customer's segments stay.
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

  /** The latest segment of each customer by `model`, in order; undefined where there is none. */
  async segments(
    model: string,
    customerIds: readonly string[],
  ): Promise<(SegmentPrediction | undefined)[]> {
    if (customerIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of customerIds) pipeline.hget(this.segmentKey(id), model);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, value]) => {
      if (err) throw err;
      return typeof value === 'string' ? (JSON.parse(value) as SegmentPrediction) : undefined;
    });
  }

  async segment(model: string, customerId: string): Promise<SegmentPrediction | undefined> {
    const [found] = await this.segments(model, [customerId]);
    return found;
  }

  async journey(sessionId: string): Promise<JourneyPrediction | undefined> {
    const value = await this.redis.get(this.journeyKey(sessionId));
    return value === null ? undefined : (JSON.parse(value) as JourneyPrediction);
  }

  /** Records the predictions just published, in one round trip. */
  async save(
    segments: readonly SegmentPrediction[],
    journeys: readonly JourneyPrediction[],
  ): Promise<void> {
    if (segments.length === 0 && journeys.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const s of segments) {
      const key = this.segmentKey(s.customer_id);
      pipeline.eval(SAVE_SEGMENT, 1, key, s.model, s.features_updated_at, JSON.stringify(s));
    }
    for (const j of journeys)
      pipeline.set(this.journeyKey(j.session_id), JSON.stringify(j), 'EX', this.sessionTtlSeconds);
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
  }
}
