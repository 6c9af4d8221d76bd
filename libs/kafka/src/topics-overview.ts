import type { KafkaService } from './kafka.service';

export interface TopicPartitionState {
  readonly partition: number;
  /** The first offset still held (the low watermark) and the next one to be written. */
  readonly start: number;
  readonly end: number;
}

export interface TopicState {
  readonly name: string;
  readonly topic: string;
  /** False for a topic not created yet (its service has not started): no partitions then. */
  readonly exists: boolean;
  readonly partitions: readonly TopicPartitionState[];
  /** Messages held: the sum over partitions of end − start. */
  readonly messages: number;
  /** Messages ever written: the sum of the end offsets (the rate between two looks). */
  readonly endOffsets: number;
}

export interface GroupPartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset, or null where it has committed nothing. */
  readonly committed: number | null;
  readonly end: number;
  readonly lag: number;
}

export interface GroupState {
  readonly group: string;
  /** The service whose group it is (sink, processor). */
  readonly service: string;
  readonly state: string;
  readonly members: number;
  readonly lag: number;
  readonly partitions: readonly GroupPartitionLag[];
}

export interface TopicsOverview {
  readonly topics: readonly TopicState[];
  readonly groups: readonly GroupState[];
  readonly measured_at: string;
}

/**
 * The topics' partitions and offsets, and each consumer group's lag on the topics it reads, per
 * partition, as the Kafka admin API tells them now (a partition with no commit lags by all it
 * holds). What the ops view polls; the messages per second are the difference of endOffsets
 * between two looks.
 */
export async function topicsOverview(
  kafka: KafkaService,
  topics: readonly { readonly name: string; readonly topic: string }[],
  groups: readonly {
    readonly group: string;
    readonly service: string;
    readonly topics: readonly string[];
  }[],
): Promise<TopicsOverview> {
  const existing = await kafka.topicNames();
  const offsets = new Map(
    await Promise.all(
      topics
        .filter((t) => existing.has(t.topic))
        .map(async (t) => [t.topic, await kafka.partitionOffsets(t.topic)] as const),
    ),
  );
  const topicStates = topics.map((t) => {
    const partitions = (offsets.get(t.topic) ?? []).map((p) => ({
      partition: p.partition,
      start: p.low,
      end: p.high,
    }));
    return {
      name: t.name,
      topic: t.topic,
      exists: offsets.has(t.topic),
      partitions,
      messages: partitions.reduce((sum, p) => sum + p.end - p.start, 0),
      endOffsets: partitions.reduce((sum, p) => sum + p.end, 0),
    };
  });
  const groupStates = await Promise.all(
    groups.map(async (g) => {
      const [described, ...committed] = await Promise.all([
        kafka.describeGroup(g.group),
        ...g.topics.map((topic) =>
          offsets.has(topic) ? kafka.committedOffsets(g.group, topic) : new Map<number, string>(),
        ),
      ]);
      const partitions = g.topics.flatMap((topic, i) =>
        (offsets.get(topic) ?? []).map((p) => {
          const raw = Number(committed[i]?.get(p.partition) ?? '-1');
          const done = raw >= 0 ? raw : null;
          return {
            topic,
            partition: p.partition,
            committed: done,
            end: p.high,
            lag: Math.max(0, p.high - (done ?? p.low)),
          };
        }),
      );
      return {
        group: g.group,
        service: g.service,
        state: described.state,
        members: described.members,
        lag: partitions.reduce((sum, p) => sum + p.lag, 0),
        partitions,
      };
    }),
  );
  return { topics: topicStates, groups: groupStates, measured_at: new Date().toISOString() };
}
