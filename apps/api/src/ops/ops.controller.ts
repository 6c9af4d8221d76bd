import { Controller, Get, Inject, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { type Static, Type as T } from '@sinclair/typebox';
import { ConfigService } from '@amato/config';
import { type DeadLetter, PREDICTION_STREAMS, STREAMS, topicsFor } from '@amato/contracts';
import { FEATURE_STREAMS } from '@amato/features';
import { KafkaService, topicsOverview } from '@amato/kafka';
import { SINK_STREAMS } from '@amato/sink';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { DEAD_LETTERS_KEPT, kafkaUnavailable, LiveTopics } from '../live/live-topics';
import { SchemaQueryPipe } from '../validation/schema-query.pipe';

const Partition = T.Object({ partition: T.Integer(), start: T.Integer(), end: T.Integer() });
export const TopicsResponse = T.Object({
  topics: T.Array(
    T.Object({
      name: T.String({
        description:
          'the stream: customers, transactions, campaigns, clickstream, dlq, predictions.segments or predictions.journey',
      }),
      topic: T.String(),
      exists: T.Boolean({ description: 'false until the service that writes it has started' }),
      partitions: T.Array(Partition),
      messages: T.Integer({ description: 'messages held (end − start, summed)' }),
      endOffsets: T.Integer({
        description: 'messages ever written (ends summed): two looks apart give messages/s',
      }),
    }),
  ),
  groups: T.Array(
    T.Object({
      group: T.String(),
      service: T.String({ description: 'whose group it is: sink or processor' }),
      state: T.String({ description: 'Stable, PreparingRebalance, Empty, Dead, …' }),
      members: T.Integer(),
      lag: T.Integer({ description: 'messages not yet committed, over its partitions' }),
      partitions: T.Array(
        T.Object({
          topic: T.String(),
          partition: T.Integer(),
          committed: T.Union([T.Integer(), T.Null()]),
          end: T.Integer(),
          lag: T.Integer(),
        }),
      ),
    }),
  ),
  measured_at: T.String({ format: 'date-time' }),
});

const DeadLettersQuery = T.Object(
  {
    limit: T.Integer({
      minimum: 1,
      maximum: DEAD_LETTERS_KEPT,
      default: 20,
      expected: `an integer from 1 to ${DEAD_LETTERS_KEPT}`,
    }),
  },
  { additionalProperties: false },
);

/** The longest part of a refused record's original value a dead letter shows. */
const ORIGINAL_SHOWN = 2_000;

export const DeadLettersResponse = T.Object({
  topic: T.String(),
  exists: T.Boolean({ description: 'false until the sink or the processor has created it' }),
  held: T.Integer({ description: 'dead letters the DLQ topic holds now' }),
  letters: T.Array(
    T.Object({
      offset: T.String({ description: 'partition:offset of the letter on the DLQ topic' }),
      failed_at: T.String(),
      stage: T.String({ description: 'the service and step that refused it, e.g. sink:validate' }),
      reason: T.String(),
      problems: T.Array(T.Object({ path: T.String(), message: T.String() })),
      source: T.Object({
        topic: T.String(),
        partition: T.Integer(),
        offset: T.String(),
        key: T.Union([T.String(), T.Null()]),
      }),
      event_type: T.Union([T.String(), T.Null()]),
      event_id: T.Union([T.String(), T.Null()]),
      original: T.Union([T.String(), T.Null()], {
        description: `the refused record's value, its first ${ORIGINAL_SHOWN} characters`,
      }),
    }),
    { description: 'newest first' },
  ),
});

/** A DLQ record as the ops view shows it; a record that is not a dead letter says so. */
function letterOf(record: { partition: number; offset: number; timestamp: number; value: string }) {
  let letter: Partial<DeadLetter> = {};
  try {
    letter = JSON.parse(record.value) as Partial<DeadLetter>;
  } catch {
    letter = { reason: 'not a dead letter: the DLQ record is not JSON', original: record.value };
  }
  const original = typeof letter.original === 'string' ? letter.original : null;
  return {
    offset: `${record.partition}:${record.offset}`,
    failed_at: letter.failed_at ?? new Date(record.timestamp).toISOString(),
    stage: letter.stage ?? 'unknown',
    reason: letter.reason ?? 'no reason given',
    problems: (letter.problems ?? []).map((p) => ({ path: p.path, message: p.message })),
    source: letter.source ?? { topic: 'unknown', partition: -1, offset: '-1', key: null },
    event_type: letter.event_type ?? null,
    event_id: letter.event_id ?? null,
    original:
      original === null || original.length <= ORIGINAL_SHOWN
        ? original
        : `${original.slice(0, ORIGINAL_SHOWN)}…`,
  };
}

/** What the people who run AMATO watch: its topics and its consumers' lag. */
@ApiTags('ops')
@ApiSecurity(API_KEY_SCHEME)
@ApiServiceUnavailableResponse({ description: 'Kafka does not answer; the message says how' })
@Controller('ops')
export class OpsController {
  constructor(
    @Inject(KafkaService) private readonly kafka: KafkaService,
    @Inject(ConfigService) private readonly config: ConfigService,
    @Inject(LiveTopics) private readonly live: LiveTopics,
  ) {}

  @Get('topics')
  @ApiOperation({
    summary: "Every AMATO topic's partitions and offsets, and each consumer group's lag",
    description:
      "From the Kafka admin API, now: each stream's topic with its partitions' start and end offsets, and the sink's groups (one per stream) and the processor's group with their committed offsets and lag per partition. A partition a group has committed nothing on lags by all it holds.",
  })
  @ApiOkResponse({ schema: TopicsResponse as unknown as SchemaObject })
  async topics() {
    const topics = topicsFor(this.config.kafka.topicPrefix);
    const sink = this.config.sink.groupId;
    try {
      return await topicsOverview(
        this.kafka,
        [
          ...STREAMS.map((name) => ({ name, topic: topics[name] })),
          ...PREDICTION_STREAMS.map((name) => ({
            name,
            topic: `${this.config.kafka.topicPrefix}.${name}`,
          })),
        ],
        [
          ...SINK_STREAMS.map((s) => ({
            group: `${sink}.${s}`,
            service: 'sink',
            topics: [topics[s]],
          })),
          {
            group: this.config.processor.groupId,
            service: 'processor',
            topics: FEATURE_STREAMS.map((s) => topics[s]),
          },
        ],
      );
    } catch (err) {
      throw kafkaUnavailable(this.config.kafka, err);
    }
  }

  @Get('dead-letters')
  @ApiOperation({
    summary: 'The latest dead letters, with their reason, stage and source offset',
    description: `From this API's tail of the DLQ topic (the newest ${DEAD_LETTERS_KEPT} letters, kept as they arrive), newest first, with how many the topic holds; before the topic exists, none. A 503 says Kafka is down.`,
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: DEAD_LETTERS_KEPT, default: 20 },
  })
  @ApiOkResponse({ schema: DeadLettersResponse as unknown as SchemaObject })
  async deadLetters(
    @Query(new SchemaQueryPipe(DeadLettersQuery)) q: Static<typeof DeadLettersQuery>,
  ): Promise<Static<typeof DeadLettersResponse>> {
    const topic = this.live.dlqTopic;
    let held: number;
    try {
      // No DLQ topic yet (no sink or processor has started): no dead letters, not an outage.
      if (!(await this.kafka.topicNames()).has(topic))
        return { topic, exists: false, held: 0, letters: [] };
      held = await this.kafka.topicRecordCount(topic);
    } catch (err) {
      throw kafkaUnavailable(this.config.kafka, err);
    }
    const tail = await this.live.started(
      this.live.deadLetters,
      'dead letters',
      [topic],
      'the sink or the processor',
    );
    const letters = tail.recent(topic).slice(-q.limit).reverse().map(letterOf);
    return { topic, exists: true, held, letters };
  }
}
