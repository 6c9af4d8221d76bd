import {
  type AmatoEvent,
  decodeEvent,
  type DeadLetter,
  type Stream,
  streamOf,
} from '@amato/contracts';
import type { KafkaRecord, RecordBatch } from '@amato/kafka';
import { deadLetterOf } from './dead-letters';

export interface Received {
  readonly record: KafkaRecord;
  readonly event: AmatoEvent;
}

/**
 * Decodes and validates every record of a batch read from `stream`'s topic. A record that is
 * not a valid event gets a dead letter at stage `<service>:validate`; a valid event on the
 * wrong topic one at `<service>:route`. Order is kept.
 */
export function decodeBatch(
  batch: RecordBatch,
  stream: Stream,
  service: string,
): { valid: Received[]; dead: DeadLetter[] } {
  const valid: Received[] = [];
  const dead: DeadLetter[] = [];
  for (const record of batch.records) {
    const result = decodeEvent(record.value);
    if (!result.ok) {
      dead.push(
        deadLetterOf(
          batch,
          record,
          `${service}:validate`,
          result.reason,
          result.problems,
          result.eventType,
          result.eventId,
        ),
      );
      continue;
    }
    const { event } = result;
    const belongs = streamOf(event.event_type);
    if (belongs !== stream) {
      const reason = `${event.event_type} belongs on the ${belongs} topic, not ${batch.topic}`;
      dead.push(
        deadLetterOf(
          batch,
          record,
          `${service}:route`,
          reason,
          [{ path: 'event_type', message: reason }],
          event.event_type,
          event.event_id,
        ),
      );
      continue;
    }
    valid.push({ record, event });
  }
  return { valid, dead };
}
