import { predictionId } from '@amato/contracts';
import { validEvent } from '@amato/testing';
import { causesOf } from './prediction-scorer';

describe('causesOf', () => {
  it('keeps, per customer and per session, the newest event that touched it', () => {
    const base = validEvent('page.viewed', { customer_id: 'CUST_000042' });
    const older = { ...base, event_id: 'e-older', event_time: '2025-06-01T10:00:00.000Z' };
    const newer = { ...base, event_id: 'e-newer', event_time: '2025-06-01T10:05:00.000Z' };
    const { customers, sessions } = causesOf([newer, older]);
    const customerId = 'CUST_000042';
    const sessionId = newer.payload.session_id;
    expect(customers.get(customerId)?.eventId).toBe(newer.event_id);
    expect(sessions.get(sessionId)).toMatchObject({
      eventId: newer.event_id,
      eventTime: newer.event_time,
    });
  });

  it('takes the entities the feature update takes: none for a campaign event, no session for an order', () => {
    const { customers, sessions } = causesOf([
      validEvent('ab_test.exposure.recorded'),
      validEvent('transaction.created'),
    ]);
    expect(sessions.size).toBe(0);
    expect(customers.size).toBe(1);
  });
});

describe('predictionId', () => {
  it('is a UUID-shaped hash of its parts: the same cause, the same id', () => {
    const id = predictionId('segment', 'CUST_000001', 'kmeans', 3, 1_700_000_000_000, 2);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(predictionId('segment', 'CUST_000001', 'kmeans', 3, 1_700_000_000_000, 2)).toBe(id);
    expect(predictionId('segment', 'CUST_000001', 'kmeans', 4, 1_700_000_000_000, 2)).not.toBe(id);
  });
});
