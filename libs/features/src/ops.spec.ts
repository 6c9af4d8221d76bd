import { type AmatoEvent, EVENT_TYPES } from '@amato/contracts';
import { anyValidEvent, validEvent } from '@amato/testing';
import { contributionOf } from './ops';
import { sessionEngagementHundredths } from './spec';

const MS = Date.parse('2024-03-02T10:05:00Z');
const ID = '0b8f4a8e-6a43-4d3f-9c1e-2f6d3c1a9b7e';

describe('contributionOf', () => {
  it('gives a customer op for a customer event, with the registration time', () => {
    const e = validEvent('customer.created');
    expect(contributionOf(e)).toEqual({
      customer: {
        customerId: e.payload.customer_id,
        op: ['c', ID, MS, Date.parse(e.payload.registration_date)],
      },
    });
  });

  it('counts an order as a sale in integer cents only in a sale status', () => {
    const sale = contributionOf(validEvent('transaction.created', { total_amount: 19.99 }));
    expect(sale.customer?.op).toEqual(['o', ID, MS, expect.any(String), 1999, 1]);
    for (const order_status of ['returned', 'cancelled'] as const) {
      const op = contributionOf(validEvent('transaction.created', { order_status })).customer?.op;
      expect(op?.[5]).toBe(0);
    }
  });

  it('updates only the session of an anonymous visitor', () => {
    const view = contributionOf(
      validEvent('page.viewed', { customer_id: null, sequence_number: 4 }),
    );
    expect(view.customer).toBeUndefined();
    expect(view.session?.op).toEqual(['p', ID, MS, 4, expect.any(String)]);
    expect(contributionOf(validEvent('product.interacted', { customer_id: null }))).toEqual({});
  });

  it("gives a known visitor's session both its customer and its journey", () => {
    const e = validEvent('session.ended', { customer_id: 'CUST_000042', device_type: 'tablet' });
    const c = contributionOf(e);
    expect(c.customer).toEqual({
      customerId: 'CUST_000042',
      op: [
        's',
        ID,
        MS,
        e.payload.duration_seconds,
        e.payload.is_bounce ? 1 : 0,
        sessionEngagementHundredths(e.payload),
        'tablet',
      ],
    });
    expect(c.session).toEqual({
      sessionId: e.payload.session_id,
      customerId: 'CUST_000042',
      op: ['e', ID, MS],
    });
  });

  it('passes an interaction type and its session, and a product without one as empty', () => {
    const add = contributionOf(
      validEvent('interaction.occurred', {
        customer_id: 'CUST_000042',
        interaction_type: 'add_to_cart',
      }),
    );
    expect(add.customer?.op).toEqual(['i', ID, MS, 'add_to_cart', expect.stringMatching(/^SESS_/)]);
    expect(add.session?.op).toEqual(['i', ID, MS, 'add_to_cart']);
    const page = contributionOf(
      validEvent('page.viewed', { customer_id: 'CUST_000042', product_id: null }),
    );
    expect(page.customer?.op).toEqual(['p', ID, MS, '']);
  });

  it('gives nothing for campaign and A/B test events, and something for every other type', () => {
    for (const type of EVENT_TYPES) {
      const event = anyValidEvent(type);
      const known =
        'customer_id' in event.payload
          ? { ...event, payload: { ...event.payload, customer_id: 'CUST_000042' } }
          : event;
      const touched = Object.keys(contributionOf(known as AmatoEvent)).length > 0;
      expect([type, touched]).toEqual([
        type,
        !(type.startsWith('campaign') || type.startsWith('ab_test')),
      ]);
    }
  });
});
