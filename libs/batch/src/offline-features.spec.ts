import { emptyAggregates } from '@amato/features';
import { compareFeatures } from './offline-features';

const AS_OF = Date.parse('2026-01-03T00:00:00Z');

function buyer(id: string, pageViews = 10) {
  const a = emptyAggregates(id);
  a.registeredMs = Date.parse('2025-01-01T00:00:00Z');
  a.orders = 2;
  a.revenueCents = 12_345;
  a.firstOrderMs = Date.parse('2025-03-01T00:00:00Z');
  a.lastOrderMs = Date.parse('2025-12-20T00:00:00Z');
  a.sessions = 4;
  a.sessionSeconds = 900;
  a.pageViews = pageViews;
  a.devices = { desktop: 1, mobile: 3, tablet: 0 };
  a.days.set(Math.floor(AS_OF / 86_400_000) - 2, {
    orders: 1,
    revenueCents: 5_000,
    sessions: 1,
    pageViews: 3,
  });
  return a;
}

describe(compareFeatures.name, () => {
  it('finds nothing when both sides hold the same aggregates', () => {
    const offline = new Map([['CUST_000001', buyer('CUST_000001')]]);
    const online = new Map([['CUST_000001', buyer('CUST_000001')]]);
    expect(compareFeatures(offline, online, AS_OF)).toEqual([]);
  });

  it('names the customer and every feature one different count changes', () => {
    const offline = new Map([
      ['CUST_000001', buyer('CUST_000001')],
      ['CUST_000002', buyer('CUST_000002')],
    ]);
    const online = new Map([
      ['CUST_000001', buyer('CUST_000001')],
      ['CUST_000002', buyer('CUST_000002', 11)],
    ]);
    expect(compareFeatures(offline, online, AS_OF)).toEqual([
      { customerId: 'CUST_000002', feature: 'total_page_views', offline: 10, online: 11 },
      { customerId: 'CUST_000002', feature: 'session_intensity', offline: 2.5, online: 2.75 },
    ]);
  });

  it('names a customer that only one side knows', () => {
    const offline = new Map([['CUST_000003', buyer('CUST_000003')]]);
    expect(compareFeatures(offline, new Map([['CUST_000003', undefined]]), AS_OF)).toEqual([
      { customerId: 'CUST_000003', feature: '(customer)', offline: 'present', online: null },
    ]);
    expect(
      compareFeatures(new Map(), new Map([['CUST_000004', buyer('CUST_000004')]]), AS_OF),
    ).toEqual([
      { customerId: 'CUST_000004', feature: '(customer)', offline: null, online: 'present' },
    ]);
  });

  it('compares windows too', () => {
    const a = buyer('CUST_000005');
    const b = buyer('CUST_000005');
    b.days.set(Math.floor(AS_OF / 86_400_000), {
      orders: 0,
      revenueCents: 0,
      sessions: 1,
      pageViews: 0,
    });
    const features = compareFeatures(
      new Map([[a.customerId, a]]),
      new Map([[b.customerId, b]]),
      AS_OF,
    ).map((m) => m.feature);
    expect(features).toEqual([
      'windows.sessions_7d',
      'windows.sessions_30d',
      'windows.sessions_90d',
    ]);
  });
});
