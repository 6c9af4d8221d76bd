import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type LogEntry,
  type OffsetsByTopicPartition,
  type Producer,
} from 'kafkajs';
import {
  createLogger,
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  type Logger,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';
import type {
  BatchConsumer,
  BatchConsumerOptions,
  KafkaRecord,
  OutgoingRecord,
  TopicSpec,
} from './kafka.types';
import { CommitPolicy } from './commit-policy';
import {
  TailBuffer,
  type TailedRecord,
  type TopicTail,
  type TopicTailOptions,
  tailStartOffsets,
} from './topic-tail';

function kafkaJsLogger(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      // KafkaJS passes whole error objects (a failed bulk write carries thousands of ids): keep
      // scalars and the first lines of a stack, so one log line stays one readable line.
      const { message, ...extra } = log;
      const context: Record<string, unknown> = { kafkajs: namespace };
      for (const [key, value] of Object.entries(extra)) {
        if (key === 'stack' && typeof value === 'string')
          context.stack = value.split('\n').slice(0, 4).join('\n');
        else if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
          context[key] = value;
      }
      if (level === logLevel.ERROR) logger.error(context, message);
      else if (level === logLevel.WARN) logger.warn(context, message);
      else if (level === logLevel.INFO) logger.info(context, message);
      else logger.debug(context, message);
    };
}

/**
 * A fetched message as a KafkaRecord. Key and headers are decoded on first use: most consumers
 * read only the value, and at tens of thousands of records a second the copies add up.
 */
class FetchedRecord implements KafkaRecord {
  private decodedKey?: string | null;
  private decodedHeaders?: Record<string, string>;

  constructor(private readonly message: KafkaMessage) {}

  get key(): string | null {
    this.decodedKey ??= this.message.key ? this.message.key.toString('utf8') : null;
    return this.decodedKey;
  }

  get value(): Buffer | null {
    return this.message.value;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.decodedHeaders === undefined) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(this.message.headers ?? {})) {
        if (value !== undefined)
          headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
      }
      this.decodedHeaders = headers;
    }
    return this.decodedHeaders;
  }

  get offset(): string {
    return this.message.offset;
  }

  get timestamp(): string {
    return this.message.timestamp;
  }
}

/** Kafka: a shared idempotent producer, an admin, and batch consumers with manual commits. */
@Injectable()
export class KafkaService implements HealthIndicator, OnApplicationShutdown {
  readonly dependencyName = 'kafka';
  readonly endpoint: string;
  private readonly kafka: Kafka;
  private readonly logger = createLogger(KafkaService.name);
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly consumers = new Set<KafkaJsBatchConsumer>();
  private readonly tails = new Set<KafkaJsTopicTail>();

  constructor(private readonly config: AppConfig['kafka']) {
    this.endpoint = config.brokers.join(',');
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: [...config.brokers],
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      retry: { initialRetryTime: 200, retries: 5 },
      logLevel: logLevel.WARN,
      logCreator: kafkaJsLogger(this.logger),
    });
  }

  /** Connects the admin and asks the cluster for its brokers; fails clearly if none answers. */
  async connect(): Promise<this> {
    try {
      const admin = await this.getAdmin();
      await admin.describeCluster();
      return this;
    } catch (err) {
      throw new DependencyUnavailableError('Kafka', this.endpoint, err);
    }
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= this.connected(
      async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        return admin;
      },
      () => (this.admin = undefined),
    );
    return this.admin;
  }

  /**
   * A client connected once and shared; a failed connect is forgotten (forget()), so the next
   * call tries again instead of returning the same rejection forever after Kafka is back.
   */
  private connected<T>(connect: () => Promise<T>, forget: () => void): Promise<T> {
    const client = connect();
    client.catch(forget);
    return client;
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= this.connected(
      async () => {
        // Idempotent: a retried send is written once, and a key's records stay in order with
        // up to 5 requests in flight.
        const producer = this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 5,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await producer.connect();
        return producer;
      },
      () => (this.producer = undefined),
    );
    return this.producer;
  }

  /** Creates the topics that do not exist yet and waits for their leaders. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    await this.warnOfPartitionCounts(specs.filter((spec) => existing.has(spec.topic)));
    if (missing.length === 0) return;
    // The leaders are awaited below, not by KafkaJS: its wait gives up after a few metadata
    // refusals ("does not host this topic-partition"), which a broker just started and busy
    // can answer for longer than that.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    // Until the broker's metadata, which producers and consumers read, serves a leader for
    // every new partition (a refusal meanwhile is waited out, up to kafka.requestTimeoutMs).
    const topics = missing.map((spec) => spec.topic);
    const deadline = Date.now() + this.config.requestTimeoutMs;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics })
        .then((m) =>
          m.topics.every(
            (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
          ),
        )
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders yet`);
      await sleep(100);
    }
  }

  /** Kafka cannot take partitions away: an existing topic that differs is named, not changed. */
  private async warnOfPartitionCounts(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const admin = await this.getAdmin();
    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
    for (const spec of specs) {
      const actual = metadata.topics.find((t) => t.name === spec.topic)?.partitions.length;
      if (actual !== undefined && actual !== spec.partitions) {
        this.logger.warn(
          { topic: spec.topic, partitions: actual, expected: spec.partitions },
          'topic has another partition count than AMATO expects; recreate it (delete, then start again) to change it',
        );
      }
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    const admin = await this.getAdmin();
    await admin.deleteTopics({ topics: [...topics] });
    // KafkaJS's producer refreshes metadata for every topic it ever sent to; a deleted one makes
    // each later send fail. A fresh producer (made on the next send) forgets them.
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** The names of the topics the cluster has now. */
  async topicNames(): Promise<Set<string>> {
    const admin = await this.getAdmin();
    return new Set(await admin.listTopics());
  }

  /** Records a topic holds, summed over partitions (high watermark − low watermark). */
  async topicRecordCount(topic: string): Promise<number> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  }

  /** Each partition's first and next offsets (low and high watermarks) of a topic. */
  async partitionOffsets(
    topic: string,
  ): Promise<{ partition: number; low: number; high: number }[]> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** Committed offsets of a group on a topic, by partition ('-1' where nothing is committed). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const admin = await this.getAdmin();
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  }

  /**
   * Records of these topics the group has not committed yet: the sum over partitions of the
   * high watermark minus the committed offset (a partition with no commit counts from its start).
   */
  async groupLag(groupId: string, topics: readonly string[]): Promise<number> {
    const admin = await this.getAdmin();
    let lag = 0;
    for (const topic of topics) {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        this.committedOffsets(groupId, topic),
      ]);
      for (const end of ends) {
        const done = Number(committed.get(end.partition) ?? '-1');
        lag += Number(end.high) - (done >= 0 ? done : Number(end.low));
      }
    }
    return lag;
  }

  /**
   * Per partition of a topic, the first offset whose record was written at or after `timeMs`
   * (the high watermark where none was).
   */
  async offsetsAtTime(topic: string, timeMs: number): Promise<Map<number, number>> {
    const admin = await this.getAdmin();
    const [found, ends] = await Promise.all([
      admin.fetchTopicOffsetsByTimestamp(topic, timeMs),
      admin.fetchTopicOffsets(topic),
    ]);
    const high = new Map(ends.map((p) => [p.partition, Number(p.high)]));
    // Kafka answers -1 for a partition with no record that late.
    return new Map(
      found.map((p) => [
        p.partition,
        Number(p.offset) >= 0 ? Number(p.offset) : (high.get(p.partition) ?? 0),
      ]),
    );
  }

  /**
   * Moves a group's committed offsets on a topic. Kafka allows it only while the group has no
   * members: a running consumer would overwrite them with its next commit.
   */
  async setGroupOffsets(
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: number }[],
  ): Promise<void> {
    const admin = await this.getAdmin();
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) })),
    });
  }

  /** A consumer group's state (Stable, PreparingRebalance, Empty, …) and its member count. */
  async describeGroup(groupId: string): Promise<{ state: string; members: number }> {
    const admin = await this.getAdmin();
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return { state: group?.state ?? 'Dead', members: group?.members.length ?? 0 };
  }

  /** Sends records to one topic, acknowledged by all in-sync replicas. */
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.getProducer();
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } })),
    });
  }

  /** Sends records to several topics in one producer request (one round trip per broker). */
  async sendBatch(
    batches: readonly { topic: string; records: readonly OutgoingRecord[] }[],
  ): Promise<void> {
    const nonEmpty = batches.filter((b) => b.records.length > 0);
    if (nonEmpty.length === 0) return;
    const producer = await this.getProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: nonEmpty.map((b) => ({
        topic: b.topic,
        messages: b.records.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } })),
      })),
    });
  }

  createBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
    const consumer = new KafkaJsBatchConsumer(this.kafka, this.config, options, (c) =>
      this.consumers.delete(c),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /** A tail of some topics (see TopicTail); stopped with the service. */
  createTail(options: TopicTailOptions): TopicTail {
    const tail = new KafkaJsTopicTail(this.kafka, options, () => this.getAdmin());
    this.tails.add(tail);
    return tail;
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, async () =>
      (await this.getAdmin()).describeCluster(),
    );
  }

  /** Stops consumers first (they drain and commit), then the producer and the admin. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    await Promise.all([...this.tails].map((tail) => tail.stop()));
    const [producer, admin] = [this.producer, this.admin];
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all([
      producer?.then((p) => p.disconnect()).catch(() => undefined),
      admin?.then((a) => a.disconnect()).catch(() => undefined),
    ]);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

class KafkaJsBatchConsumer implements BatchConsumer {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private running = false;
  private readonly heartbeatIntervalMs: number;
  private readonly commits: CommitPolicy;
  private flushTimer: NodeJS.Timeout | undefined;
  /**
   * Commits explicit offsets straight to the group coordinator, in the generation current at
   * the call and without KafkaJS's retrier: a commit retried after a rejoin would be sent in
   * the new generation, for partitions that may belong to another member by then.
   * consumer.commitOffsets() also skips the commit silently once stop() has begun, losing the
   * commit of the batch being drained. Taken from the latest batch's payload.
   */
  private commitDirect?: (offsets: OffsetsByTopicPartition) => Promise<void>;

  constructor(
    kafka: Kafka,
    config: AppConfig['kafka'],
    private readonly options: BatchConsumerOptions,
    private readonly onStopped: (consumer: KafkaJsBatchConsumer) => void,
  ) {
    this.logger = createLogger('BatchConsumer', { groupId: options.groupId });
    this.heartbeatIntervalMs = config.consumer.heartbeatIntervalMs;
    this.commits = new CommitPolicy(config.consumer.commitIntervalMs);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: config.consumer.sessionTimeoutMs,
      heartbeatInterval: config.consumer.heartbeatIntervalMs,
      maxBytesPerPartition: config.consumer.maxBytesPerPartition,
      maxBytes: config.consumer.maxBytes,
      maxWaitTimeInMs: config.consumer.maxWaitTimeMs,
    });
    // KafkaJS emits these synchronously: REBALANCING before the member rejoins (the commit of
    // what was handled is sent in the ending generation), GROUP_JOIN once it has its new
    // assignment.
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.onRevoked();
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.commits.assigned();
      this.logger.debug({ assignment: payload.memberAssignment }, 'partitions assigned');
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    await this.consumer.run({
      // Offsets are committed here, only for batches whose handler succeeded.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // A batch fetched before a rebalance or stop is left for its new owner: nothing is committed.
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const epoch = this.commits.epoch;
    this.commitDirect = (offsets) => payload.commitOffsetsIfNecessary(offsets);
    const started = performance.now();
    // A slow batch (a busy store) must not cost the group membership: keep heartbeating while
    // the handler works. KafkaJS sends at most one heartbeat per heartbeatInterval; one refused
    // during a rebalance is harmless, the batch's commit then fails and it is redelivered.
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, this.heartbeatIntervalMs);
    try {
      await this.options.handler({
        topic: batch.topic,
        partition: batch.partition,
        records: batch.messages.map((m) => new FetchedRecord(m)),
        highWatermark: batch.highWatermark,
      });
    } finally {
      clearInterval(beat);
    }
    // resolveOffset moves this member's fetch position; the commit makes it durable for the group.
    payload.resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const context = { topic: batch.topic, partition: batch.partition, handled: next };
    if (!this.commits.handled(batch.topic, batch.partition, next, epoch)) {
      this.logger.info(context, 'partition revoked while its batch was handled; not committing it');
      return;
    }
    if (!this.running || this.commits.due) await this.commitPending();
    else this.scheduleFlush();
    await payload.heartbeat();
    this.logger.debug(
      { ...context, records: batch.messages.length, ms: Math.round(performance.now() - started) },
      'batch processed',
    );
  }

  /**
   * Commits every handled offset not yet committed, in one request: one commit per
   * commitIntervalMs rather than per batch, which at a few thousand events/s is hundreds of
   * round trips a second saved. A commit that fails loses nothing: its batches are delivered
   * again, and the handlers are idempotent.
   */
  private async commitPending(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const topics = this.commits.take();
    if (topics && this.commitDirect) await this.commitDirect({ topics });
  }

  /** When no batch follows, the handled offsets are committed commitIntervalMs after the last commit. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.commits.msUntilDue);
    this.flushTimer.unref();
  }

  /** Outside a batch. Never rejects: a failed commit is logged, and its batches are delivered again. */
  private async flush(): Promise<void> {
    try {
      await this.commitPending();
    } catch (err) {
      this.logger.warn({ err }, 'committing handled batches failed; they will be delivered again');
    }
  }

  /** Every partition is being revoked: commit what was handled, in the generation now ending. */
  private onRevoked(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const topics = this.commits.revoke();
    if (!topics || !this.commitDirect) return;
    this.commitDirect({ topics }).catch((err: unknown) => {
      this.logger.warn(
        { err },
        'committing before a rebalance failed; the new owners read those batches again',
      );
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // What is handled is committed before leaving; the batch in flight commits as it ends.
    await this.flush();
    // KafkaJS waits for the batch in flight to finish (and commit) before it leaves the group.
    await this.consumer.disconnect();
    this.onStopped(this);
  }
}

/**
 * A consumer in a group of its own that never commits: on start it seeks every partition back
 * by `keep` and then follows the topics. A start that fails (Kafka down, a topic not created
 * yet) leaves it stopped, so the next start() tries again.
 */
/** How long a tail's start waits for the read-back of what its topics held. */
const TAIL_READ_BACK_MS = 15_000;

class KafkaJsTopicTail implements TopicTail {
  private readonly buffer: TailBuffer;
  private consumer?: Consumer;
  private starting?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicTailOptions,
    private readonly admin: () => Promise<Admin>,
  ) {
    this.buffer = new TailBuffer(options.keep);
  }

  start(): Promise<void> {
    this.starting ??= this.begin().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async begin(): Promise<void> {
    const admin = await this.admin();
    const held = await Promise.all(
      this.options.topics.map(async (topic) => ({
        topic,
        partitions: (await admin.fetchTopicOffsets(topic)).map((p) => ({
          partition: p.partition,
          low: Number(p.low),
          high: Number(p.high),
        })),
      })),
    );
    // Started once what each partition held at the start has been read back (or the wait is up).
    const pending = new Map<string, number>();
    for (const { topic, partitions } of held) {
      for (const p of partitions)
        if (p.high > p.low) pending.set(`${topic}:${p.partition}`, p.high - 1);
    }
    let readBack: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => {
      readBack = resolve;
      if (pending.size === 0) resolve();
    });
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, maxWaitTimeInMs: 250 });
    // A consumer that gives up (Kafka gone past KafkaJS's retries) is forgotten, so the next
    // start() begins again rather than returning a dead tail.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // restart: KafkaJS starts it again by itself.
      if (payload.restart || this.consumer !== consumer) return;
      this.consumer = undefined;
      this.starting = undefined;
      consumer.disconnect().catch(() => undefined);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ topic, partition, message }) => {
          const offset = Number(message.offset);
          this.buffer.add({
            topic,
            partition,
            offset,
            timestamp: Number(message.timestamp),
            key: message.key ? message.key.toString('utf8') : null,
            value: message.value ? message.value.toString('utf8') : '',
          });
          const last = pending.get(`${topic}:${partition}`);
          if (last !== undefined && offset >= last) {
            pending.delete(`${topic}:${partition}`);
            if (pending.size === 0) readBack();
          }
          return Promise.resolve();
        },
      });
      // Applied as each partition is assigned; a rejoin delivers again what the buffer holds.
      for (const { topic, partitions } of held) {
        for (const { partition, offset } of tailStartOffsets(partitions, this.options.keep)) {
          consumer.seek({ topic, partition, offset: String(offset) });
        }
      }
      await Promise.race([caughtUp, sleep(TAIL_READ_BACK_MS)]);
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    this.consumer = consumer;
  }

  recent(topic: string): readonly TailedRecord[] {
    return this.buffer.recent(topic);
  }

  subscribe(listener: (record: TailedRecord) => void): () => void {
    return this.buffer.subscribe(listener);
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const consumer = this.consumer;
    this.consumer = undefined;
    this.starting = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }
}
