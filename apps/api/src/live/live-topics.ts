import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { predictionTopicsFor, topicsFor } from '@amato/contracts';
import { KafkaService, type TopicTail } from '@amato/kafka';

/** Dead letters kept for the ops view, and predictions kept for a live feed that just opened. */
export const DEAD_LETTERS_KEPT = 100;
export const PREDICTIONS_KEPT = 500;

/**
 * The tails this API instance keeps of the DLQ and of the prediction topics, each in a group of
 * its own (so every API instance sees everything), started on first use: the API boots, and
 * answers everything else, with Kafka down or the topics not created yet.
 */
@Injectable()
export class LiveTopics implements OnApplicationShutdown {
  readonly dlqTopic: string;
  readonly predictionTopics: ReturnType<typeof predictionTopicsFor>;
  readonly deadLetters: TopicTail;
  readonly predictions: TopicTail;

  constructor(
    @Inject(KafkaService) kafka: KafkaService,
    @Inject(ConfigService) private readonly config: ConfigService,
  ) {
    const prefix = config.kafka.topicPrefix;
    const me = `${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`;
    this.dlqTopic = topicsFor(prefix).dlq;
    this.predictionTopics = predictionTopicsFor(prefix);
    this.deadLetters = kafka.createTail({
      groupId: `${prefix}.api-tail.dlq.${me}`,
      topics: [this.dlqTopic],
      keep: DEAD_LETTERS_KEPT,
    });
    this.predictions = kafka.createTail({
      groupId: `${prefix}.api-tail.predictions.${me}`,
      topics: Object.values(this.predictionTopics),
      keep: PREDICTIONS_KEPT,
    });
  }

  /** Starts a tail; a failure is a 503 that says what is missing (the dashboard shows it). */
  async started(tail: TopicTail, what: string, topics: readonly string[]): Promise<TopicTail> {
    try {
      await tail.start();
      return tail;
    } catch (err) {
      const message = (err as Error).message;
      const missing = /does not host this topic-partition|unknown topic/i.test(message);
      throw new ServiceUnavailableException(
        missing
          ? `${what}: the topic ${topics.join(' or ')} does not exist yet (the ${what === 'dead letters' ? 'sink or the processor creates it when it starts' : 'processor creates them when it starts'})`
          : `${what}: Kafka at ${this.config.kafka.brokers.join(', ')} did not answer: ${message}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.deadLetters.stop(), this.predictions.stop()]);
  }
}
