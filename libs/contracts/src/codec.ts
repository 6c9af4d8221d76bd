import { randomUUID } from 'node:crypto';
import { type TSchema, Type as T } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type Problem, schemaProblems } from '@amato/common';
import { DateTime, Uuid } from './fields';
import {
  type AmatoEvent,
  EVENT_TYPES,
  EVENTS,
  type EventEnvelope,
  type EventType,
  isEventType,
  type PayloadOf,
} from './registry';
import type { Stream } from './topics';

/** Events dated further ahead than this are rejected: a producer's clock or code is wrong. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

const Envelope = T.Object(
  {
    event_id: Uuid,
    event_type: T.String({ minLength: 1, maxLength: 100 }),
    schema_version: T.Integer({ minimum: 1 }),
    event_time: DateTime,
    payload: T.Unknown(),
  },
  { additionalProperties: false },
);
const envelopeCheck = TypeCompiler.Compile(Envelope);
const payloadChecks = new Map<EventType, TypeCheck<TSchema>>(
  EVENT_TYPES.map((type) => [type, TypeCompiler.Compile(EVENTS[type].payload as TSchema)]),
);

export type DecodeResult =
  | { readonly ok: true; readonly event: AmatoEvent }
  | {
      readonly ok: false;
      /** One line: what was rejected and the first problems. */
      readonly reason: string;
      readonly problems: readonly Problem[];
      readonly eventType?: string;
      readonly eventId?: string;
    };

function reject(what: string, problems: Problem[], raw: unknown): DecodeResult {
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const eventType = typeof fields.event_type === 'string' ? fields.event_type : undefined;
  const eventId = typeof fields.event_id === 'string' ? fields.event_id : undefined;
  const shown = problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length > 3 ? `; (+${problems.length - 3} more)` : '';
  return { ok: false, reason: `${what}: ${shown.join('; ')}${more}`, problems, eventType, eventId };
}

/**
 * Checks a parsed value against the envelope, its event type's payload schema (compiled once)
 * and the type's cross-field rules. Runs on every event, so it allocates little when valid.
 */
export function validateEvent(value: unknown, now: number = Date.now()): DecodeResult {
  if (!envelopeCheck.Check(value)) {
    return reject('invalid event envelope', schemaProblems(envelopeCheck.Errors(value)), value);
  }
  const type = value.event_type;
  if (!isEventType(type)) {
    return reject(
      'unknown event type',
      [
        {
          path: 'event_type',
          message: `must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
        },
      ],
      value,
    );
  }
  const definition = EVENTS[type];
  if (value.schema_version !== definition.version) {
    return reject(
      `unsupported version of ${type}`,
      [
        {
          path: 'schema_version',
          message: `must be ${definition.version}, got ${value.schema_version}`,
        },
      ],
      value,
    );
  }
  if (Date.parse(value.event_time) > now + MAX_FUTURE_SKEW_MS) {
    return reject(
      `invalid ${type}`,
      [{ path: 'event_time', message: `is more than a day in the future: ${value.event_time}` }],
      value,
    );
  }
  const check = payloadChecks.get(type) as TypeCheck<TSchema>;
  if (!check.Check(value.payload)) {
    const problems = schemaProblems(check.Errors(value.payload)).map((p) => ({
      path: p.path === '(root)' ? 'payload' : `payload.${p.path}`,
      message: p.message,
    }));
    return reject(`invalid ${type}`, problems, value);
  }
  const rules = definition.rules as ((payload: unknown) => Problem[]) | undefined;
  const problems = rules?.(value.payload) ?? [];
  if (problems.length > 0) return reject(`invalid ${type}`, problems, value);
  return { ok: true, event: value as unknown as AmatoEvent };
}

/**
 * The largest record value AMATO takes as an event: 64 KiB, about fifty times a large order.
 * Anything bigger is a producer's bug, and refusing it keeps one record from holding up a batch
 * that three stores and Redis write.
 */
export const MAX_EVENT_BYTES = 65_536;

/** Parses and validates a Kafka record value. */
export function decodeEvent(raw: Buffer | string | null, now?: number): DecodeResult {
  if (raw === null || raw.length === 0)
    return reject(
      'empty message',
      [{ path: '(root)', message: 'the record has no value' }],
      undefined,
    );
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (bytes > MAX_EVENT_BYTES)
    return reject(
      'too large',
      [
        {
          path: '(root)',
          message: `the record is ${bytes} bytes, above the limit of ${MAX_EVENT_BYTES}`,
        },
      ],
      undefined,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    return reject(
      'not JSON',
      [{ path: '(root)', message: err instanceof Error ? err.message : String(err) }],
      undefined,
    );
  }
  return validateEvent(parsed, now);
}

export function streamOf(type: EventType): Exclude<Stream, 'dlq'> {
  return EVENTS[type].stream;
}

/** The Kafka key of an event: its customer, campaign, test or session. */
export function partitionKey(event: AmatoEvent): string {
  return (EVENTS[event.event_type].key as (payload: unknown) => string)(event.payload);
}

/** A Kafka record for an event, with its type and version also in headers (routing without parsing). */
export function encodeEvent(event: AmatoEvent): {
  key: string;
  value: string;
  headers: Record<string, string>;
} {
  return {
    key: partitionKey(event),
    value: JSON.stringify(event),
    headers: { 'event-type': event.event_type, 'schema-version': String(event.schema_version) },
  };
}

/** Builds an envelope at the current schema version. */
export function createEvent<K extends EventType>(
  type: K,
  payload: PayloadOf<K>,
  eventTime: Date | string,
  eventId: string = randomUUID(),
): EventEnvelope<K> {
  return {
    event_id: eventId,
    event_type: type,
    schema_version: EVENTS[type].version,
    event_time: typeof eventTime === 'string' ? eventTime : eventTime.toISOString(),
    payload,
  };
}
