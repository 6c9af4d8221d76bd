import type { AmatoEvent } from '@amato/contracts';
import { SALE_STATUSES, sessionEngagementHundredths, toCents } from './spec';

/**
 * What one event contributes to its customer's aggregates and to its live session's journey,
 * as compact tuples the Redis scripts (redis-scripts.ts) apply. Each starts with its kind,
 * the event id (the dedupe key) and the event time in epoch ms.
 */
export type CustomerOp =
  | readonly [kind: 'c', eventId: string, ms: number, registeredMs: number]
  | readonly [
      kind: 'o',
      eventId: string,
      ms: number,
      transactionId: string,
      cents: number,
      sale: 0 | 1,
    ]
  | readonly [
      kind: 's',
      eventId: string,
      ms: number,
      seconds: number,
      bounce: 0 | 1,
      engagement: number,
      device: string,
    ]
  | readonly [kind: 'p', eventId: string, ms: number, productId: string]
  | readonly [kind: 'i', eventId: string, ms: number, type: string, sessionId: string]
  | readonly [kind: 'x', eventId: string, ms: number, productId: string]
  | readonly [kind: 'q', eventId: string, ms: number];

export type SessionOp =
  | readonly [kind: 'p', eventId: string, ms: number, sequence: number, pageType: string]
  | readonly [kind: 'i', eventId: string, ms: number, type: string]
  | readonly [kind: 'q', eventId: string, ms: number]
  | readonly [kind: 'e', eventId: string, ms: number];

export interface Contribution {
  readonly customer?: { readonly customerId: string; readonly op: CustomerOp };
  readonly session?: {
    readonly sessionId: string;
    readonly customerId: string | null;
    readonly op: SessionOp;
  };
}

/** An event's contribution to the features; campaign and A/B test events contribute none. */
export function contributionOf(event: AmatoEvent): Contribution {
  const id = event.event_id;
  const ms = Date.parse(event.event_time);
  switch (event.event_type) {
    case 'customer.created':
    case 'customer.updated': {
      const p = event.payload;
      return {
        customer: {
          customerId: p.customer_id,
          op: ['c', id, ms, Date.parse(p.registration_date)],
        },
      };
    }
    case 'transaction.created': {
      const p = event.payload;
      const sale = SALE_STATUSES.has(p.order_status) ? 1 : 0;
      return {
        customer: {
          customerId: p.customer_id,
          op: ['o', id, ms, p.transaction_id, toCents(p.total_amount), sale],
        },
      };
    }
    case 'session.ended': {
      const p = event.payload;
      const op: CustomerOp = [
        's',
        id,
        ms,
        p.duration_seconds,
        p.is_bounce ? 1 : 0,
        sessionEngagementHundredths(p),
        p.device_type,
      ];
      return {
        customer: p.customer_id === null ? undefined : { customerId: p.customer_id, op },
        session: { sessionId: p.session_id, customerId: p.customer_id, op: ['e', id, ms] },
      };
    }
    case 'page.viewed': {
      const p = event.payload;
      return {
        customer:
          p.customer_id === null
            ? undefined
            : { customerId: p.customer_id, op: ['p', id, ms, p.product_id ?? ''] },
        session: {
          sessionId: p.session_id,
          customerId: p.customer_id,
          op: ['p', id, ms, p.sequence_number, p.page_type],
        },
      };
    }
    case 'interaction.occurred': {
      const p = event.payload;
      return {
        customer:
          p.customer_id === null
            ? undefined
            : { customerId: p.customer_id, op: ['i', id, ms, p.interaction_type, p.session_id] },
        session: {
          sessionId: p.session_id,
          customerId: p.customer_id,
          op: ['i', id, ms, p.interaction_type],
        },
      };
    }
    case 'product.interacted': {
      const p = event.payload;
      return p.customer_id === null
        ? {}
        : { customer: { customerId: p.customer_id, op: ['x', id, ms, p.product_id] } };
    }
    case 'search.performed': {
      const p = event.payload;
      return {
        customer:
          p.customer_id === null ? undefined : { customerId: p.customer_id, op: ['q', id, ms] },
        session: { sessionId: p.session_id, customerId: p.customer_id, op: ['q', id, ms] },
      };
    }
    default:
      return {};
  }
}
