import type { Static, TSchema } from '@sinclair/typebox';
import type { Problem } from '@amato/common';
import {
  AbTestExposurePayload,
  AbTestPayload,
  AbTestResultPayload,
  CampaignPayload,
  CampaignPerformancePayload,
} from './events/campaign.events';
import {
  InteractionPayload,
  PageViewPayload,
  ProductInteractionPayload,
  SearchPayload,
  SessionPayload,
} from './events/clickstream.events';
import { CustomerPayload } from './events/customer.events';
import { TransactionPayload } from './events/transaction.events';
import {
  abTestResultRules,
  abTestRules,
  campaignPerformanceRules,
  campaignRules,
  searchRules,
  sessionRules,
  transactionRules,
} from './rules';
import type { Stream } from './topics';

interface EventDefinition<P extends TSchema> {
  /** The schema_version producers write now; older ones are rejected with a clear reason. */
  readonly version: number;
  readonly stream: Exclude<Stream, 'dlq'>;
  readonly payload: P;
  /** The partition key: a customer's events (an anonymous session's, for clickstream) stay in order. */
  readonly key: (payload: Static<P>) => string;
  readonly rules?: (payload: Static<P>) => Problem[];
}

function define<P extends TSchema>(definition: EventDefinition<P>): EventDefinition<P> {
  return definition;
}

/** Every event AMATO accepts: its version, stream, payload schema, key and cross-field rules. */
export const EVENTS = {
  'customer.created': define({
    version: 1,
    stream: 'customers',
    payload: CustomerPayload,
    key: (p) => p.customer_id,
  }),
  'customer.updated': define({
    version: 1,
    stream: 'customers',
    payload: CustomerPayload,
    key: (p) => p.customer_id,
  }),
  'transaction.created': define({
    version: 1,
    stream: 'transactions',
    payload: TransactionPayload,
    key: (p) => p.customer_id,
    rules: transactionRules,
  }),
  'campaign.upserted': define({
    version: 1,
    stream: 'campaigns',
    payload: CampaignPayload,
    key: (p) => p.campaign_id,
    rules: campaignRules,
  }),
  'campaign.performance.recorded': define({
    version: 1,
    stream: 'campaigns',
    payload: CampaignPerformancePayload,
    key: (p) => p.campaign_id,
    rules: campaignPerformanceRules,
  }),
  'ab_test.upserted': define({
    version: 1,
    stream: 'campaigns',
    payload: AbTestPayload,
    key: (p) => p.test_id,
    rules: abTestRules,
  }),
  'ab_test.exposure.recorded': define({
    version: 1,
    stream: 'campaigns',
    payload: AbTestExposurePayload,
    key: (p) => p.test_id,
  }),
  'ab_test.result.recorded': define({
    version: 1,
    stream: 'campaigns',
    payload: AbTestResultPayload,
    key: (p) => p.test_id,
    rules: abTestResultRules,
  }),
  'session.ended': define({
    version: 1,
    stream: 'clickstream',
    payload: SessionPayload,
    key: (p) => p.session_id,
    rules: sessionRules,
  }),
  'page.viewed': define({
    version: 1,
    stream: 'clickstream',
    payload: PageViewPayload,
    key: (p) => p.session_id,
  }),
  'interaction.occurred': define({
    version: 1,
    stream: 'clickstream',
    payload: InteractionPayload,
    key: (p) => p.session_id,
  }),
  'product.interacted': define({
    version: 1,
    stream: 'clickstream',
    payload: ProductInteractionPayload,
    key: (p) => p.session_id,
  }),
  'search.performed': define({
    version: 1,
    stream: 'clickstream',
    payload: SearchPayload,
    key: (p) => p.session_id,
    rules: searchRules,
  }),
} as const;

export type EventType = keyof typeof EVENTS;
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];
export type PayloadOf<K extends EventType> = Static<(typeof EVENTS)[K]['payload']>;

/** What travels on the wire: a versioned envelope around the payload. */
export interface EventEnvelope<K extends EventType = EventType> {
  /** Unique per event (UUID); the stores deduplicate on it, so a redelivery changes nothing. */
  readonly event_id: string;
  readonly event_type: K;
  readonly schema_version: number;
  /** When it happened (event time, not arrival time), ISO 8601 with zone. */
  readonly event_time: string;
  readonly payload: PayloadOf<K>;
}

/** Any AMATO event, narrowed by event_type. */
export type AmatoEvent = { [K in EventType]: EventEnvelope<K> }[EventType];

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENTS, value);
}
