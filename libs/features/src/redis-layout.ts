import type { CustomerAggregates, DayBucket } from './aggregates';

/**
 * The names of the hash fields the Lua scripts (redis-scripts.ts) write and FeatureStore reads:
 * spelled here only, so the two sides cannot disagree. Changing one changes the Redis layout:
 * data written under the old name is no longer read.
 *
 * The scripts read some fields back into Lua tables and index them as `stored.<field>`, so
 * every field name stays a Lua identifier (letters, digits, _).
 */

/** A customer's hash, `<prefix>:c:{<customer_id>}`: one field per aggregate it keeps. */
export const CUSTOMER_FIELDS = {
  registeredMs: 'reg',
  orders: 'orders',
  revenueCents: 'cents',
  firstOrderMs: 'first_o',
  lastOrderMs: 'last_o',
  sessions: 'sessions',
  sessionSeconds: 'sess_s',
  bounces: 'bounces',
  engagementHundredths: 'eng',
  pageViews: 'pv',
  addToCarts: 'atc',
  purchases: 'purch',
  searches: 'searches',
  productInteractions: 'pint',
  uniqueProducts: 'uprod',
  cartSessions: 'cart_s',
  cartSessionsConverted: 'cart_conv',
  lastEventMs: 'last_ev',
  updatedMs: 'upd',
  newestDay: 'day_max',
} as const satisfies Partial<Record<keyof CustomerAggregates | 'newestDay', string>>;

/** Sessions per device type: `dev:<device>`, one field per entry of DEVICE_TYPES. */
export const DEVICE_FIELD_PREFIX = 'dev:';

/**
 * Day buckets: `<kind>:<day>` (day: days since 1970-01-01, UTC), one kind letter per count of
 * a DayBucket. The letters and the separator are used inside a regular expression and a Lua
 * pattern, so they stay plain letters and `:`.
 */
export const DAY_BUCKET_KINDS = {
  orders: 'o',
  revenueCents: 'r',
  sessions: 's',
  pageViews: 'v',
} as const satisfies Record<keyof DayBucket, string>;
export const DAY_BUCKET_SEPARATOR = ':';

/** A live session's hash, `<prefix>:s:{<session_id>}`. */
export const SESSION_FIELDS = {
  firstEventMs: 'first',
  lastEventMs: 'last',
  pages: 'pages',
  depth: 'depth',
  lastPageType: 'last_page',
  cartAdds: 'cart_adds',
  purchases: 'purchases',
  searches: 'searches',
  ended: 'ended',
  customerId: 'customer',
  updatedMs: 'upd',
} as const satisfies Record<string, string>;

/** Every kind letter, as a character class body: `orsv`. */
export const DAY_BUCKET_KIND_LETTERS = Object.values(DAY_BUCKET_KINDS).join('');
