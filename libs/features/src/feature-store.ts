import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEVICE_TYPES } from '@amato/contracts';
import { redisCommandError } from '@amato/redis';
import { type CustomerAggregates, type DayBucket, emptyAggregates } from './aggregates';
import type { JourneyState } from './features.schema';
import type { Contribution, CustomerOp, SessionOp } from './ops';
import {
  CUSTOMER_FIELDS,
  DAY_BUCKET_KIND_LETTERS,
  DAY_BUCKET_KINDS,
  DAY_BUCKET_SEPARATOR,
  DEVICE_FIELD_PREFIX,
  SESSION_FIELDS,
} from './redis-layout';
import { CUSTOMER_SCRIPT, SESSION_SCRIPT } from './redis-scripts';
import { BUCKET_PRUNE_EVERY_DAYS, BUCKET_RETENTION_DAYS } from './spec';

export interface FeatureStoreOptions {
  /** Every key starts with this (tests pass their own). */
  readonly keyPrefix: string;
  /** How long an applied event id is remembered: a redelivery within it changes nothing. */
  readonly dedupeHorizonMs: number;
  /** A live session's journey expires this long after its last event was applied. */
  readonly sessionTtlSeconds: number;
}

export interface ApplyResult {
  /** Ops applied to customers and to sessions, and ops skipped as already applied. */
  readonly applied: number;
  readonly duplicates: number;
  readonly customers: number;
  readonly sessions: number;
  /**
   * With `withStates`: each touched customer's aggregates and session's journey as the batch
   * left them (read in the same round trip, right after), for scoring what changed.
   */
  readonly states?: AppliedStates;
}

export interface AppliedStates {
  readonly customers: ReadonlyMap<string, CustomerAggregates>;
  readonly sessions: ReadonlyMap<string, JourneyState>;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const CUSTOMER_SHA = sha1(CUSTOMER_SCRIPT);
const SESSION_SHA = sha1(SESSION_SCRIPT);
// A hash as one JSON array of its fields and values: one string to parse rather than two per
// field, what makes reading back a batch's customers cheap. (cjson writes an empty table as {}.)
const READ_HASH_SCRIPT = "return cjson.encode(redis.call('HGETALL', KEYS[1]))";
const READ_HASH_SHA = sha1(READ_HASH_SCRIPT);

// Plain objects for the reads below: an imported binding can compile to a getter (esbuild, as
// tsx runs the services), paid on every one of the few dozen field reads per request.
const C = CUSTOMER_FIELDS;
const S = SESSION_FIELDS;
const B = DAY_BUCKET_KINDS;
const DEVICE_FIELDS = DEVICE_TYPES.map((device) => [device, DEVICE_FIELD_PREFIX + device] as const);

const DAY_BUCKET_FIELD = new RegExp(
  `^([${DAY_BUCKET_KIND_LETTERS}])${DAY_BUCKET_SEPARATOR}(-?\\d+)$`,
);

/** What a reader of features can do while Redis cannot answer. */
const READ_HINT =
  'features are read from it: retry in a few seconds; if it lasts, `npm run stack:status` shows whether it runs';

/** The fields and values, in turn, of READ_HASH_SCRIPT's reply. */
function pairsOfJson(json: unknown): readonly string[] {
  const pairs: unknown = typeof json === 'string' ? JSON.parse(json) : [];
  return Array.isArray(pairs) ? (pairs as string[]) : [];
}

/** The hash of its fields and values in turn. */
function hashOfPairs(pairs: readonly string[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) h[pairs[i] as string] = pairs[i + 1] as string;
  return h;
}

function num(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function numOrNull(value: string | undefined): number | null {
  return value === undefined ? null : Number(value);
}

/**
 * Customer aggregates and session journeys in Redis. `apply` writes a batch of contributions
 * in one pipelined round trip (one script call per customer and per session); `read` and
 * `readJourney` read one key back, and fail with a DependencyUnavailableError while Redis
 * cannot answer.
 */
export class FeatureStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: FeatureStoreOptions,
  ) {}

  customerKeys(customerId: string, nowMs = Date.now()): string[] {
    const base = `${this.options.keyPrefix}:c:{${customerId}}`;
    const generation = Math.floor(nowMs / this.options.dedupeHorizonMs);
    return [
      base,
      `${base}:seen:${generation}`,
      `${base}:seen:${generation - 1}`,
      `${base}:products`,
      `${base}:orders`,
      `${base}:carted`,
      `${base}:bought`,
    ];
  }

  sessionKeys(sessionId: string): string[] {
    const base = `${this.options.keyPrefix}:s:{${sessionId}}`;
    return [base, `${base}:seen`];
  }

  /**
   * Applies a batch's contributions; `withStates` also reads back every customer and session it
   * touched, in the same pipeline.
   */
  async apply(
    contributions: readonly Contribution[],
    nowMs = Date.now(),
    { withStates = false }: { withStates?: boolean } = {},
  ): Promise<ApplyResult> {
    const byCustomer = new Map<string, CustomerOp[]>();
    const bySession = new Map<string, { customerId: string | null; ops: SessionOp[] }>();
    let ops = 0;
    for (const c of contributions) {
      if (c.customer) {
        const list = byCustomer.get(c.customer.customerId);
        if (list) list.push(c.customer.op);
        else byCustomer.set(c.customer.customerId, [c.customer.op]);
        ops += 1;
      }
      if (c.session) {
        const entry = bySession.get(c.session.sessionId);
        if (entry) {
          entry.ops.push(c.session.op);
          entry.customerId ??= c.session.customerId;
        } else {
          bySession.set(c.session.sessionId, {
            customerId: c.session.customerId,
            ops: [c.session.op],
          });
        }
        ops += 1;
      }
    }
    if (ops === 0) return { applied: 0, duplicates: 0, customers: 0, sessions: 0 };
    const now = String(nowMs);
    // A generation's ids are checked during it and the next one, then expire.
    const seenTtl = String(Math.ceil((2 * this.options.dedupeHorizonMs) / 1000));
    const results = await this.execScripts((pipeline) => {
      for (const [customerId, list] of byCustomer) {
        pipeline.evalsha(
          CUSTOMER_SHA,
          7,
          ...this.customerKeys(customerId, nowMs),
          now,
          seenTtl,
          String(BUCKET_RETENTION_DAYS),
          JSON.stringify(list),
          String(BUCKET_PRUNE_EVERY_DAYS),
        );
      }
      for (const [sessionId, { customerId, ops: list }] of bySession) {
        pipeline.evalsha(
          SESSION_SHA,
          2,
          ...this.sessionKeys(sessionId),
          now,
          String(this.options.sessionTtlSeconds),
          customerId ?? '',
          JSON.stringify(list),
        );
      }
      if (withStates) {
        for (const customerId of byCustomer.keys())
          pipeline.evalsha(READ_HASH_SHA, 1, this.customerKeys(customerId, nowMs)[0] ?? '');
        for (const sessionId of bySession.keys())
          pipeline.evalsha(READ_HASH_SHA, 1, this.sessionKeys(sessionId)[0] ?? '');
      }
    });
    for (const [err] of results) if (err) throw err;
    const scripts = byCustomer.size + bySession.size;
    let applied = 0;
    for (let i = 0; i < scripts; i++) applied += Number(results[i]?.[1]);
    const counts = {
      applied,
      duplicates: ops - applied,
      customers: byCustomer.size,
      sessions: bySession.size,
    };
    if (!withStates) return counts;
    const customers = new Map<string, CustomerAggregates>();
    const sessions = new Map<string, JourneyState>();
    let i = scripts;
    for (const customerId of byCustomer.keys()) {
      const a = customerOfPairs(customerId, pairsOfJson(results[i++]?.[1]));
      if (a) customers.set(customerId, a);
    }
    for (const sessionId of bySession.keys()) {
      const j = journeyOfHash(sessionId, hashOfPairs(pairsOfJson(results[i++]?.[1])));
      if (j) sessions.set(sessionId, j);
    }
    return { ...counts, states: { customers, sessions } };
  }

  /**
   * A pipeline of the store's scripts, run once more after loading them if Redis has lost them
   * (a restart or a flush: the first run then did nothing). The replies, each [error, value].
   */
  private async execScripts(
    fill: (pipeline: ReturnType<Redis['pipeline']>) => void,
  ): Promise<[Error | null, unknown][]> {
    const run = () => {
      const pipeline = this.redis.pipeline();
      fill(pipeline);
      return pipeline.exec();
    };
    let results = await run();
    if (results?.some(([err]) => err?.message.startsWith('NOSCRIPT'))) {
      // Ops that did apply the first time are duplicates the second, so nothing counts twice.
      await this.loadScripts();
      results = await run();
    }
    if (!results) throw new Error('Redis discarded the feature pipeline');
    return results;
  }

  async loadScripts(): Promise<void> {
    await this.redis.script('LOAD', CUSTOMER_SCRIPT);
    await this.redis.script('LOAD', SESSION_SCRIPT);
    await this.redis.script('LOAD', READ_HASH_SCRIPT);
  }

  /** A customer's aggregates, or undefined if the stream has seen nothing of them. */
  async read(customerId: string): Promise<CustomerAggregates | undefined> {
    const [key] = this.customerKeys(customerId);
    const h = await this.readHash(key ?? '');
    return Object.keys(h).length === 0 ? undefined : customerOfHash(customerId, h);
  }

  /**
   * Many customers' aggregates in one pipeline (one Lua read each, the hash as one JSON string),
   * in the order asked; undefined for a customer the stream has seen nothing of.
   */
  async readMany(customerIds: readonly string[]): Promise<(CustomerAggregates | undefined)[]> {
    if (customerIds.length === 0) return [];
    let results;
    try {
      results = await this.execScripts((pipeline) => {
        for (const id of customerIds)
          pipeline.evalsha(READ_HASH_SHA, 1, this.customerKeys(id)[0] ?? '');
      });
    } catch (err) {
      throw redisCommandError(this.redis, err, READ_HINT);
    }
    return customerIds.map((id, i) => {
      const [err, reply] = results[i] ?? [];
      if (err) throw redisCommandError(this.redis, err, READ_HINT);
      return customerOfPairs(id, pairsOfJson(reply));
    });
  }

  async readJourney(sessionId: string): Promise<JourneyState | undefined> {
    const [key] = this.sessionKeys(sessionId);
    return journeyOfHash(sessionId, await this.readHash(key ?? ''));
  }

  /** A hash, or the DependencyUnavailableError of a Redis that cannot answer now. */
  private async readHash(key: string): Promise<Record<string, string>> {
    try {
      return await this.redis.hgetall(key);
    } catch (err) {
      throw redisCommandError(this.redis, err, READ_HINT);
    }
  }
}

const DAY_BUCKET_LETTERS = new Set<string>(DAY_BUCKET_KIND_LETTERS);
const SEPARATOR_CODE = DAY_BUCKET_SEPARATOR.charCodeAt(0);

/**
 * A customer's aggregates from their hash's fields and values in turn (READ_HASH_SCRIPT's reply);
 * undefined for an empty hash. Day buckets (`<kind letter>:<day>`, a few hundred) are told from
 * the few dozen other fields by their second character, without building an object of them all.
 */
function customerOfPairs(
  customerId: string,
  pairs: readonly string[],
): CustomerAggregates | undefined {
  if (pairs.length === 0) return undefined;
  const h: Record<string, string> = {};
  const buckets: [field: string, value: string][] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const field = pairs[i] as string;
    const value = pairs[i + 1] as string;
    if (field.charCodeAt(1) === SEPARATOR_CODE && DAY_BUCKET_LETTERS.has(field.charAt(0)))
      buckets.push([field, value]);
    else h[field] = value;
  }
  return customerOfHash(customerId, h, buckets);
}

/**
 * A customer's aggregates from their hash (HGETALL's object), whose day buckets are `buckets`
 * when already told apart, else found among all its fields.
 */
function customerOfHash(
  customerId: string,
  h: Readonly<Record<string, string>>,
  buckets: Iterable<readonly [string, string]> = Object.entries(h),
): CustomerAggregates {
  const a = emptyAggregates(customerId);
  a.registeredMs = numOrNull(h[C.registeredMs]);
  a.orders = num(h[C.orders]);
  a.revenueCents = num(h[C.revenueCents]);
  a.firstOrderMs = numOrNull(h[C.firstOrderMs]);
  a.lastOrderMs = numOrNull(h[C.lastOrderMs]);
  a.sessions = num(h[C.sessions]);
  a.sessionSeconds = num(h[C.sessionSeconds]);
  a.bounces = num(h[C.bounces]);
  a.engagementHundredths = num(h[C.engagementHundredths]);
  for (const [device, field] of DEVICE_FIELDS) a.devices[device] = num(h[field]);
  a.pageViews = num(h[C.pageViews]);
  a.addToCarts = num(h[C.addToCarts]);
  a.purchases = num(h[C.purchases]);
  a.searches = num(h[C.searches]);
  a.productInteractions = num(h[C.productInteractions]);
  a.uniqueProducts = num(h[C.uniqueProducts]);
  a.cartSessions = num(h[C.cartSessions]);
  a.cartSessionsConverted = num(h[C.cartSessionsConverted]);
  a.lastEventMs = numOrNull(h[C.lastEventMs]);
  a.updatedMs = numOrNull(h[C.updatedMs]);
  const oldest = num(h[C.newestDay]) - BUCKET_RETENTION_DAYS;
  for (const [field, value] of buckets) {
    const match = DAY_BUCKET_FIELD.exec(field);
    if (!match) continue;
    const day = Number(match[2]);
    // Past the retention, waiting for the next prune: not part of the features.
    if (day < oldest) continue;
    const bucket: DayBucket = a.days.get(day) ?? {
      orders: 0,
      revenueCents: 0,
      sessions: 0,
      pageViews: 0,
    };
    const n = Number(value);
    const kind = match[1];
    if (kind === B.orders) bucket.orders = n;
    else if (kind === B.revenueCents) bucket.revenueCents = n;
    else if (kind === B.sessions) bucket.sessions = n;
    else bucket.pageViews = n;
    a.days.set(day, bucket);
  }
  return a;
}

/** A session's journey from its hash; undefined before its first event. */
function journeyOfHash(sessionId: string, h: Record<string, string>): JourneyState | undefined {
  const firstMs = h[S.firstEventMs];
  const lastMs = h[S.lastEventMs];
  if (firstMs === undefined || lastMs === undefined) return undefined;
  const first = Number(firstMs);
  const last = Number(lastMs);
  return {
    session_id: sessionId,
    customer_id: h[S.customerId] ?? null,
    pages: num(h[S.pages]),
    depth: num(h[S.depth]),
    time_on_site_seconds: Math.round((last - first) / 1000),
    cart_adds: num(h[S.cartAdds]),
    purchases: num(h[S.purchases]),
    searches: num(h[S.searches]),
    last_page_type: h[S.lastPageType] ?? null,
    ended: h[S.ended] === '1',
    first_event_time: new Date(first).toISOString(),
    last_event_time: new Date(last).toISOString(),
    updated_at: new Date(num(h[S.updatedMs])).toISOString(),
  };
}
