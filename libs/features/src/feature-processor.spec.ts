import { EVENT_TYPES, streamOf } from '@amato/contracts';
import { anyValidEvent } from '@amato/testing';
import { onFeatureStream } from './feature-processor';

describe(onFeatureStream.name, () => {
  it('is true for customers, transactions and clickstream events, and only those', () => {
    const read = EVENT_TYPES.filter((t) => onFeatureStream(anyValidEvent(t)));
    expect(new Set(read.map(streamOf))).toEqual(
      new Set(['customers', 'transactions', 'clickstream']),
    );
    expect(onFeatureStream(anyValidEvent('campaign.upserted'))).toBe(false);
  });
});
