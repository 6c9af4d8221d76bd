import { deriveFeatures, emptyAggregates } from '@amato/features';
import {
  CustomerRevenueInputError,
  ONLINE_FEATURES,
  createCustomerRevenueFeaturizer,
  isOnlineFeature,
} from './customer-revenue-features';

const AS_OF = Date.parse('2026-06-04T00:00:00Z');
const DAY_MS = 86_400_000;

function buyer() {
  const a = emptyAggregates('CUST_000001');
  a.registeredMs = AS_OF - 200 * DAY_MS;
  a.orders = 3;
  a.revenueCents = 45_000;
  a.firstOrderMs = AS_OF - 150 * DAY_MS;
  a.lastOrderMs = AS_OF - 3 * DAY_MS;
  a.sessions = 4;
  a.pageViews = 13;
  a.devices = { desktop: 1, mobile: 3, tablet: 0 };
  a.days.set(Math.floor(AS_OF / DAY_MS) - 3, {
    orders: 1,
    revenueCents: 12_345,
    sessions: 1,
    pageViews: 5,
  });
  return deriveFeatures(a, AS_OF);
}

describe('ONLINE_FEATURES', () => {
  it('is every number deriveFeatures gives, by the training dataset column name', () => {
    const derived = buyer();
    const flat = [
      ...Object.keys(derived.features),
      'avg_order_value',
      ...Object.keys(derived.windows).map((name) => `windows.${name}`),
      ...Object.keys(derived.device_mix).map((name) => `device_mix.${name}`),
    ];
    expect(ONLINE_FEATURES).toEqual(flat);
    expect(ONLINE_FEATURES).toHaveLength(52);
    expect(isOnlineFeature('days_since_first_order')).toBe(false);
  });
});

describe(createCustomerRevenueFeaturizer.name, () => {
  it("writes a CustomerFeatures' values in the order asked for, as float32", () => {
    const names = ['windows.revenue_7d', 'recency_days', 'device_mix.mobile', 'avg_order_value'];
    const featurizer = createCustomerRevenueFeaturizer(names);
    const target = new Float32Array(2 + featurizer.width);
    featurizer.encodeInto(buyer(), 0, target, 2);
    expect(Array.from(target)).toEqual([0, 0, 123.45, 3, 0.75, 150].map(Math.fround));
  });

  it('reads flat values by name', () => {
    const featurizer = createCustomerRevenueFeaturizer(['frequency', 'windows.orders_90d']);
    const target = new Float32Array(2);
    featurizer.encodeInto({ 'windows.orders_90d': 1, frequency: 3, extra: 9 }, 0, target, 0);
    expect(Array.from(target)).toEqual([3, 1]);
  });

  it('names the row, the customer and the field of a value it cannot use', () => {
    const featurizer = createCustomerRevenueFeaturizer(['frequency']);
    const customer = buyer();
    const encode = () => {
      featurizer.encodeInto(
        { ...customer, features: { ...customer.features, frequency: Number.NaN } },
        7,
        new Float32Array(1),
        0,
      );
    };
    expect(encode).toThrow(CustomerRevenueInputError);
    expect(encode).toThrow(
      'customer revenue input row 7 (customer CUST_000001): features.frequency is NaN, expected a finite number',
    );
  });

  it('refuses a name that is no online feature', () => {
    expect(() => createCustomerRevenueFeaturizer(['days_since_first_order'])).toThrow(
      'days_since_first_order is no online feature',
    );
  });
});
