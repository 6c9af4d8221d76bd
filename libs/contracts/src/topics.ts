/**
 * AMATO's topics. Names are `<prefix>.<stream>`: the prefix comes from config kafka.topicPrefix
 * (`amato`), and tests pass their own so each owns its topics. Nothing else names a topic.
 */
export const STREAMS = ['customers', 'transactions', 'campaigns', 'clickstream', 'dlq'] as const;
export type Stream = (typeof STREAMS)[number];
export type Topics = Readonly<Record<Stream, string>>;

/**
 * Partitions per stream. A key's events share a partition, so a customer's (or an anonymous
 * session's) events stay in order; the partition count bounds how many consumer instances split
 * the work, so the busy streams get more.
 *
 * campaigns has one: its events refer to each other across keys (an A/B test to its campaign),
 * and a consumer that waits in one partition for a parent in another can hold the very fetch
 * that would bring the parent (seen at the reference volume). In one partition, published in
 * event-time order, every parent comes before its children. It carries a few thousand events
 * and one exposure per customer and A/B test (about 50,000 at the reference volume).
 */
export const PARTITIONS: Readonly<Record<Stream, number>> = {
  customers: 6,
  transactions: 6,
  campaigns: 1,
  clickstream: 12,
  dlq: 3,
};

export function topicsFor(prefix: string): Topics {
  return Object.fromEntries(
    STREAMS.map((stream) => [stream, `${prefix}.${stream}`]),
  ) as unknown as Topics;
}

export function topicSpecs(topics: Topics): { topic: string; partitions: number }[] {
  return STREAMS.map((stream) => ({ topic: topics[stream], partitions: PARTITIONS[stream] }));
}
