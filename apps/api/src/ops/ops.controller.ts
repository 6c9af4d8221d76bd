import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Type as T } from '@sinclair/typebox';
import { ConfigService } from '@amato/config';
import { STREAMS, topicsFor } from '@amato/contracts';
import { FEATURE_STREAMS } from '@amato/features';
import { KafkaService, topicsOverview } from '@amato/kafka';
import { SINK_STREAMS } from '@amato/sink';
import { API_KEY_SCHEME } from '../auth/api-key.guard';

const Partition = T.Object({ partition: T.Integer(), start: T.Integer(), end: T.Integer() });
export const TopicsResponse = T.Object({
  topics: T.Array(
    T.Object({
      name: T.String({
        description: 'the stream: customers, transactions, campaigns, clickstream or dlq',
      }),
      topic: T.String(),
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

/** What the people who run AMATO watch: its topics and its consumers' lag. */
@ApiTags('ops')
@ApiSecurity(API_KEY_SCHEME)
@ApiServiceUnavailableResponse({ description: 'Kafka does not answer; the message says how' })
@Controller('ops')
export class OpsController {
  constructor(
    @Inject(KafkaService) private readonly kafka: KafkaService,
    @Inject(ConfigService) private readonly config: ConfigService,
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
        STREAMS.map((name) => ({ name, topic: topics[name] })),
        [
          ...SINK_STREAMS.map((s) => ({ group: `${sink}.${s}`, topics: [topics[s]] })),
          {
            group: this.config.processor.groupId,
            topics: FEATURE_STREAMS.map((s) => topics[s]),
          },
        ],
      );
    } catch (err) {
      throw new ServiceUnavailableException(
        `Kafka at ${this.config.kafka.brokers.join(', ')} did not answer: ${(err as Error).message}`,
      );
    }
  }
}
