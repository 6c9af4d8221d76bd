import { Counter, type Registry } from 'prom-client';
import { createLogger, type Problem } from '@amato/common';
import { DEAD_LETTER_ORIGINAL_CHARS, type DeadLetter } from '@amato/contracts';
import type { KafkaRecord, KafkaService, RecordBatch } from '@amato/kafka';

/** The dead letter of one record of a batch: the record untouched, where it was, and why. */
export function deadLetterOf(
  batch: RecordBatch,
  record: KafkaRecord,
  stage: string,
  reason: string,
  problems: readonly Problem[],
  eventType?: string,
  eventId?: string,
): DeadLetter {
  return {
    failed_at: new Date().toISOString(),
    stage,
    reason,
    problems,
    source: {
      topic: batch.topic,
      partition: batch.partition,
      offset: record.offset,
      key: record.key,
    },
    event_type: eventType ?? null,
    event_id: eventId ?? null,
    ...original(record.value),
  };
}

function original(value: Buffer | null): Pick<DeadLetter, 'original' | 'original_bytes'> {
  if (value === null) return { original: null };
  const text = value.toString('utf8');
  if (text.length <= DEAD_LETTER_ORIGINAL_CHARS) return { original: text };
  return { original: text.slice(0, DEAD_LETTER_ORIGINAL_CHARS), original_bytes: value.length };
}

/**
 * A service's way to the DLQ topic: every letter is published (keyed like its record, with its
 * stage in a header), counted in `amato_dead_letters_total` and logged with its reason.
 * `send` resolves once the broker has them, so a batch is committed only after its letters.
 */
export class DeadLetterQueue {
  private readonly logger = createLogger(DeadLetterQueue.name);
  private readonly counter: Counter<'service' | 'stage'>;

  constructor(
    private readonly kafka: KafkaService,
    private readonly topic: string,
    private readonly service: string,
    registry?: Registry,
  ) {
    this.counter = new Counter({
      name: 'amato_dead_letters_total',
      help: 'Records sent to the DLQ, by service and stage',
      labelNames: ['service', 'stage'],
      registers: registry ? [registry] : [],
    });
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.kafka.send(
      this.topic,
      letters.map((d) => ({
        key: d.source.key,
        value: JSON.stringify(d),
        headers: { stage: d.stage },
      })),
    );
    for (const d of letters) {
      this.counter.inc({ service: this.service, stage: d.stage });
      this.logger.warn(
        {
          stage: d.stage,
          topic: d.source.topic,
          partition: d.source.partition,
          offset: d.source.offset,
          eventId: d.event_id,
          reason: d.reason,
        },
        'record sent to the DLQ',
      );
    }
  }
}
