import type { Stream } from '@amato/contracts';
import { validEvent } from '@amato/testing';

/** A record no consumer may take as an event, the topic it goes to, and the reason expected. */
export interface PoisonRecord {
  readonly name: string;
  readonly stream: Extract<Stream, 'transactions' | 'clickstream'>;
  readonly key: string;
  readonly value: string;
  /** The dead letter's reason, as its start. */
  readonly reason: string;
  /** The stage after `<service>:`. */
  readonly stage: 'validate' | 'route';
}

/**
 * One record of each kind of bad input a producer can send: broken JSON, an empty value, a
 * schema version AMATO does not know, an unknown event type, a wrong type in a field, a record
 * above the size limit and a valid event on the wrong topic. `n` makes each batch's ids unique.
 */
export function poisonRecords(n: number): PoisonRecord[] {
  const view = validEvent('page.viewed', { session_id: `SESS_POISON${n}` });
  const sale = validEvent('transaction.created');
  return [
    {
      name: 'malformed JSON',
      stream: 'clickstream',
      key: `SESS_POISON${n}`,
      value: `{"event_id": "${n}", "event_type": "page.viewed", `,
      reason: 'not JSON',
      stage: 'validate',
    },
    {
      name: 'empty value',
      stream: 'transactions',
      key: `CUST_POISON${n}`,
      value: '',
      reason: 'empty message',
      stage: 'validate',
    },
    {
      name: 'wrong schema version',
      stream: 'clickstream',
      key: view.payload.session_id,
      value: JSON.stringify({ ...view, schema_version: 7 }),
      reason: 'unsupported version of page.viewed',
      stage: 'validate',
    },
    {
      name: 'unknown event type',
      stream: 'clickstream',
      key: view.payload.session_id,
      value: JSON.stringify({ ...view, event_type: 'page.clicked' }),
      reason: 'unknown event type',
      stage: 'validate',
    },
    {
      name: 'wrong types',
      stream: 'transactions',
      key: sale.payload.customer_id,
      value: JSON.stringify({ ...sale, payload: { ...sale.payload, total_amount: 'lots' } }),
      reason: 'invalid transaction.created',
      stage: 'validate',
    },
    {
      name: 'oversized',
      stream: 'clickstream',
      key: view.payload.session_id,
      value: JSON.stringify({
        ...view,
        payload: { ...view.payload, page_url: `/p/${'x'.repeat(300_000)}` },
      }),
      reason: 'too large',
      stage: 'validate',
    },
    {
      name: 'wrong topic',
      stream: 'clickstream',
      key: 'CUST_000001',
      value: JSON.stringify(validEvent('customer.created')),
      reason: 'customer.created belongs on the customers topic',
      stage: 'route',
    },
  ];
}
