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
    @Inject(KafkaService) private readonly kafka: KafkaService,
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

  /**
   * Starts a tail; a failure is a 503 that says what is missing (the dashboard shows it): a
   * topic not created yet (asked of Kafka, not read from the error's wording), or Kafka itself.
   */
  async started(
    tail: TopicTail,
    what: string,
    topics: readonly string[],
    createdBy: string,
  ): Promise<TopicTail> {
    try {
      await tail.start();
      return tail;
    } catch (err) {
      const existing = await this.kafka.topicNames().catch(() => undefined);
      const missing = existing ? topics.filter((t) => !existing.has(t)) : [];
      if (missing.length > 0) {
        throw new ServiceUnavailableException(
          `${what}: the topic ${missing.join(' or ')} does not exist yet (${createdBy} creates it when it starts)`,
        );
      }
      throw kafkaUnavailable(this.config.kafka, err);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.deadLetters.stop(), this.predictions.stop()]);
  }
}

/** Kafka not answering, as the 503 every ops and live route gives: which brokers, and why. */
export function kafkaUnavailable(
  kafka: ConfigService['kafka'],
  err: unknown,
): ServiceUnavailableException {
  return new ServiceUnavailableException(
    `Kafka at ${kafka.brokers.join(', ')} did not answer: ${err instanceof Error ? err.message : String(err)}`,
  );
}
