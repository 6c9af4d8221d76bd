import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEVICE_TYPES } from '@amato/contracts';
import { type CustomerAggregates, type DayBucket, emptyAggregates } from './aggregates';
import type { Contribution, CustomerOp, SessionOp } from './ops';
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

/** A live session's journey so far: what a conversion model reads. */
export interface JourneyState {
  session_id: string;
  customer_id: string | null;
  pages: number;
  /** Highest page sequence number seen. */
  depth: number;
  time_on_site_seconds: number;
  cart_adds: number;
  purchases: number;
  searches: number;
  last_page_type: string | null;
  ended: boolean;
  first_event_time: string;
  last_event_time: string;
  updated_at: string;
}

export interface ApplyResult {
  /** Ops applied to customers and to sessions, and ops skipped as already applied. */
  readonly applied: number;
  readonly duplicates: number;
  readonly customers: number;
  readonly sessions: number;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const CUSTOMER_SHA = sha1(CUSTOMER_SCRIPT);
const SESSION_SHA = sha1(SESSION_SCRIPT);

function num(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function numOrNull(value: string | undefined): number | null {
  return value === undefined ? null : Number(value);
}

/**
 * Customer aggregates and session journeys in Redis. `apply` writes a batch of contributions
 * in one pipelined round trip (one script call per customer and per session); `read` and
 * `readJourney` read one key back.
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

  async apply(contributions: readonly Contribution[], nowMs = Date.now()): Promise<ApplyResult> {
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
    const run = () => {
      const pipeline = this.redis.pipeline();
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
      return pipeline.exec();
    };
    let results = await run();
    if (results?.some(([err]) => err?.message.startsWith('NOSCRIPT'))) {
      // Redis restarted or was flushed: load the scripts and run the batch again. Ops that did
      // apply the first time are duplicates now, so nothing counts twice.
      await this.loadScripts();
      results = await run();
    }
    if (!results) throw new Error('Redis discarded the feature pipeline');
    let applied = 0;
    for (const [err, value] of results) {
      if (err) throw err;
      applied += Number(value);
    }
    return {
      applied,
      duplicates: ops - applied,
      customers: byCustomer.size,
      sessions: bySession.size,
    };
  }

  async loadScripts(): Promise<void> {
    await this.redis.script('LOAD', CUSTOMER_SCRIPT);
    await this.redis.script('LOAD', SESSION_SCRIPT);
  }

  /** A customer's aggregates, or undefined if the stream has seen nothing of them. */
  async read(customerId: string): Promise<CustomerAggregates | undefined> {
    const [key] = this.customerKeys(customerId);
    const h = await this.redis.hgetall(key ?? '');
    if (Object.keys(h).length === 0) return undefined;
    const a = emptyAggregates(customerId);
    a.registeredMs = numOrNull(h.reg);
    a.orders = num(h.orders);
    a.revenueCents = num(h.cents);
    a.firstOrderMs = numOrNull(h.first_o);
    a.lastOrderMs = numOrNull(h.last_o);
    a.sessions = num(h.sessions);
    a.sessionSeconds = num(h.sess_s);
    a.bounces = num(h.bounces);
    a.engagementHundredths = num(h.eng);
    for (const device of DEVICE_TYPES) a.devices[device] = num(h[`dev:${device}`]);
    a.pageViews = num(h.pv);
    a.addToCarts = num(h.atc);
    a.purchases = num(h.purch);
    a.searches = num(h.searches);
    a.productInteractions = num(h.pint);
    a.uniqueProducts = num(h.uprod);
    a.cartSessions = num(h.cart_s);
    a.cartSessionsConverted = num(h.cart_conv);
    a.lastEventMs = numOrNull(h.last_ev);
    a.updatedMs = numOrNull(h.upd);
    const oldest = num(h.day_max) - BUCKET_RETENTION_DAYS;
    for (const [field, value] of Object.entries(h)) {
      const match = /^([orsv]):(-?\d+)$/.exec(field);
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
      if (match[1] === 'o') bucket.orders = n;
      else if (match[1] === 'r') bucket.revenueCents = n;
      else if (match[1] === 's') bucket.sessions = n;
      else bucket.pageViews = n;
      a.days.set(day, bucket);
    }
    return a;
  }

  async readJourney(sessionId: string): Promise<JourneyState | undefined> {
    const [key] = this.sessionKeys(sessionId);
    const h = await this.redis.hgetall(key ?? '');
    if (h.first === undefined || h.last === undefined) return undefined;
    const first = Number(h.first);
    const last = Number(h.last);
    return {
      session_id: sessionId,
      customer_id: h.customer ?? null,
      pages: num(h.pages),
      depth: num(h.depth),
      time_on_site_seconds: Math.round((last - first) / 1000),
      cart_adds: num(h.cart_adds),
      purchases: num(h.purchases),
      searches: num(h.searches),
      last_page_type: h.last_page ?? null,
      ended: h.ended === '1',
      first_event_time: new Date(first).toISOString(),
      last_event_time: new Date(last).toISOString(),
      updated_at: new Date(num(h.upd)).toISOString(),
    };
  }
}
