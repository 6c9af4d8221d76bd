import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AmatoEvent } from '@amato/contracts';
import { type CustomerAggregates, FeatureStore, processorGroups } from '@amato/features';
import { Dataset, publish } from '@amato/generator';
import { RedisService } from '@amato/redis';
import { sinkGroups, storeCounts } from '@amato/sink';
import {
  comparableAggregates,
  oracleAggregates,
  ownWorld,
  sinkEnv,
  startService,
  stopWith,
  uniqueName,
} from '@amato/testing';
import { poisonRecords, type PoisonRecord } from './poison';
import { PrivateServices } from './private-services';
import { TcpProxy } from './tcp-proxy';

/** What a fault run does to the running platform, one at a time. */
export const FAULTS = [
  'kill-sink',
  'kill-processor',
  'restart-kafka',
  'restart-redis',
  'cut-mysql',
  'cut-postgres',
  'cut-mongo',
  'kill-both',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultRunOptions {
  readonly seed: number;
  /** The generator's scale: 0.01 is about 25,000 events. */
  readonly scale: number;
  /** The faults, in the order they happen; spread over the publishing. */
  readonly faults: readonly Fault[];
  /** How long the data set takes to publish (paced). */
  readonly publishSeconds: number;
  /** Page views of one session published back to back: one key, one partition. */
  readonly hotKeyEvents: number;
  /** How long a database stays cut off, and the broker and Redis stay down. */
  readonly outageSeconds: number;
  /** How long the run waits, after the last fault, for every count to come right. */
  readonly settleSeconds: number;
  readonly say: (line: string) => void;
}

export interface FaultRunReport {
  readonly name: string;
  readonly seconds: number;
  readonly faults: readonly {
    fault: Fault;
    atSeconds: number;
    outageSeconds: number;
    /** Records the consumer groups had yet to commit when it struck: work in flight. */
    behind: number;
  }[];
  /** Valid events generated, records sent counting resends after a failed send, poison sent. */
  readonly sent: { events: number; records: number; resentBatches: number; poison: number };
  readonly stores: readonly { table: string; expected: number; stored: number }[];
  readonly redis: {
    customers: number;
    differing: number;
    eventsLost: number;
    eventsDuplicated: number;
  };
  readonly dlq: {
    expected: number;
    found: number;
    missing: readonly string[];
    /** Letters written more than once (a kill after the DLQ send, before the commit). */
    repeated: number;
    /** Letters of valid events: events refused that should have been applied. */
    unexpected: readonly string[];
  };
  /** Exits of a service that no fault caused. */
  readonly unexpectedExits: readonly string[];
  readonly lost: number;
  readonly duplicated: number;
}

/** A service process restarted whenever it exits, as systemd's Restart=always would. */
class Supervised {
  private child?: ChildProcess;
  private stopping = false;
  private killing = false;
  readonly unexpectedExits: string[] = [];

  constructor(
    private readonly name: string,
    private readonly entry: string,
    private readonly env: Readonly<Record<string, string>>,
    private readonly since: number,
  ) {}

  start(): void {
    const child = startService(this.entry, this.env);
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      if (!this.killing) {
        const at = ((Date.now() - this.since) / 1000).toFixed(1);
        this.unexpectedExits.push(`${this.name} exited by itself at ${at} s (${signal ?? code})`);
      }
      this.killing = false;
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, 1000).unref();
    });
  }

  /** SIGKILL; the supervisor starts it again a second later. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.killing = true;
    await stopWith(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child) await stopWith(this.child, 'SIGTERM');
  }
}

/** The dataset's events plus a flood of page views on one session (one key). */
function hotKeyFlood(events: readonly AmatoEvent[], count: number): AmatoEvent[] {
  const view = events.find((e) => e.event_type === 'page.viewed' && e.payload.customer_id !== null);
  if (!view || view.event_type !== 'page.viewed') throw new Error('the data set has no page view');
  return Array.from({ length: count }, (_, i) => ({
    ...view,
    event_id: randomUUID(),
    payload: { ...view.payload, sequence_number: 10_000 + i },
  }));
}

const COUNTED = [
  'orders',
  'sessions',
  'pageViews',
  'addToCarts',
  'purchases',
  'searches',
  'productInteractions',
] as const satisfies readonly (keyof CustomerAggregates)[];

/**
 * Streams a known data set through the sink and the processor (real processes) while the faults
 * happen, then waits until the platform has settled and counts what reached the stores, Redis
 * and the DLQ against what was sent. The run owns its Kafka broker and Redis (killed at will),
 * and reaches the shared MySQL, PostgreSQL and MongoDB through proxies it can cut.
 */
export async function runFaults(options: FaultRunOptions): Promise<FaultRunReport> {
  const { say } = options;
  const began = Date.now();
  const at = () => (Date.now() - began) / 1000;
  const name = uniqueName('faults');
  say(`fault run ${name}: starting its own Kafka broker and Redis`);
  const services = await PrivateServices.start(name);
  const config = services.config;
  const proxies = {
    mysql: new TcpProxy('MySQL', config.mysql),
    postgres: new TcpProxy('PostgreSQL', config.postgres),
    mongo: new TcpProxy('MongoDB', config.mongo),
  };
  const world = ownWorld('faults', name, config);
  const redis = new RedisService(config.redis);
  const store = new FeatureStore(redis.client, {
    keyPrefix: name,
    dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
    sessionTtlSeconds: config.features.sessionTtlHours * 3600,
  });
  const processes: Supervised[] = [];
  try {
    await world.setUp();
    const proxied = {
      AMATO_MYSQL__PORT: String(await proxies.mysql.listen()),
      AMATO_POSTGRES__PORT: String(await proxies.postgres.listen()),
      AMATO_MONGO__PORT: String(await proxies.mongo.listen()),
    };
    const sink = new Supervised(
      'sink',
      'apps/sink/src/main.ts',
      { ...services.env, ...proxied, ...sinkEnv(name) },
      began,
    );
    const processor = new Supervised(
      'processor',
      'apps/processor/src/main.ts',
      {
        ...services.env,
        AMATO_KAFKA__TOPIC_PREFIX: name,
        AMATO_FEATURES__KEY_PREFIX: name,
        AMATO_PROCESSOR__GROUP_ID: `${name}.processor`,
        AMATO_PROCESSOR__METRICS_PORT: '0',
      },
      began,
    );
    processes.push(sink, processor);

    const dataset = new Dataset({
      seed: options.seed,
      scale: options.scale,
      end: new Date('2026-01-01T00:00:00Z'),
    });
    const generated = [...dataset.events()];
    const flood = hotKeyFlood(generated, options.hotKeyEvents);
    const events = [...generated, ...flood];
    const expected: Record<string, number> = {
      ...(dataset.expected as unknown as Record<string, number>),
    };
    expected.page_views = (expected.page_views ?? 0) + flood.length;
    say(
      `${events.length} events (${flood.length} of them one session's page views), ` +
        `${options.faults.length} faults over ${options.publishSeconds} s`,
    );

    sink.start();
    processor.start();

    // The publisher: paced chunks, each sent again until Kafka takes it (a resend after a
    // broker restart may write records twice; the consumers must apply them once).
    const chunks = 40;
    const size = Math.ceil(generated.length / chunks);
    const poison: PoisonRecord[] = [];
    let records = 0;
    let resentBatches = 0;
    const sendUntilTaken = async (send: () => Promise<void>, count: number) => {
      for (;;) {
        try {
          await send();
          records += count;
          return;
        } catch {
          resentBatches += 1;
          await sleep(500);
        }
      }
    };
    const publishing = (async () => {
      for (let c = 0; c < chunks; c++) {
        const chunk = generated.slice(c * size, (c + 1) * size);
        await sendUntilTaken(
          () =>
            publish(chunk, world.topics, world.kafka, { batchSize: 1000 }).then(() => undefined),
          chunk.length,
        );
        if (c === Math.floor(chunks / 3)) {
          await sendUntilTaken(
            () =>
              publish(flood, world.topics, world.kafka, { batchSize: 1000 }).then(() => undefined),
            flood.length,
          );
        }
        if (c % 10 === 5) {
          const bad = poisonRecords(c);
          for (const p of bad) {
            await sendUntilTaken(
              () => world.kafka.send(world.topics[p.stream], [{ key: p.key, value: p.value }]),
              1,
            );
          }
          poison.push(...bad);
        }
        await sleep((options.publishSeconds * 1000) / chunks);
      }
    })();

    const groups = [...sinkGroups(`${name}.sink`), ...processorGroups(`${name}.processor`)].map(
      (g) => ({ groupId: g.groupId, topics: g.streams.map((s) => world.topics[s]) }),
    );
    const lagOf = () =>
      Promise.all(groups.map((g) => world.kafka.groupLag(g.groupId, g.topics).catch(() => -1)));

    // The faults, spread over the publishing, each at a moment drawn (from the seed) within
    // its slot of the publishing, and each waiting for the previous to end.
    const faults: FaultRunReport['faults'][number][] = [];
    const gap = (options.publishSeconds * 1000) / (options.faults.length + 1);
    const outage = options.outageSeconds * 1000;
    const moment = seeded(options.seed);
    for (const [i, fault] of options.faults.entries()) {
      const when = began + 10_000 + (i + 0.5 + moment()) * gap;
      await sleep(Math.max(0, when - Date.now()));
      // It strikes while records are in flight: the consumers keep up between the publisher's
      // chunks, so it waits (up to 5 s) for the next chunk to be behind.
      const behindNow = async () => (await lagOf()).reduce((n, l) => n + Math.max(0, l), 0);
      let behind = await behindNow();
      for (const waitUntil = Date.now() + 5000; behind === 0 && Date.now() < waitUntil;)
        behind = await behindNow();
      const start = at();
      say(`${start.toFixed(1)} s: ${fault} (${behind} records in flight)`);
      if (fault === 'kill-sink') await sink.kill();
      else if (fault === 'kill-processor') await processor.kill();
      else if (fault === 'kill-both') await Promise.all([sink.kill(), processor.kill()]);
      else if (fault === 'restart-kafka' || fault === 'restart-redis') {
        const service = fault === 'restart-kafka' ? 'kafka' : 'redis';
        await services.kill(service);
        await sleep(outage);
        await services.up([service]);
      } else {
        const proxy = proxies[fault.slice('cut-'.length) as keyof typeof proxies];
        await proxy.cut();
        await sleep(outage);
        await proxy.restore();
      }
      faults.push({ fault, atSeconds: start, outageSeconds: at() - start, behind });
    }
    await publishing;
    say(`${at().toFixed(1)} s: all sent; waiting for the platform to settle`);

    // Settled: every group has committed everything, and the stores hold what was sent.
    const settleBy = Date.now() + options.settleSeconds * 1000;
    let counts: Record<string, number> = {};
    for (;;) {
      const lags = await lagOf();
      counts = await storeCounts(world.stores, world.targets).catch(() => counts);
      const stored = Object.entries(expected).every(([table, n]) => counts[table] === n);
      if ((lags.every((l) => l === 0) && stored) || Date.now() > settleBy) break;
      await sleep(1000);
    }

    const stores = Object.entries(expected).map(([table, n]) => ({
      table,
      expected: n,
      stored: counts[table] ?? 0,
    }));

    // Redis: every customer's aggregates against a recomputation from the events sent.
    const oracle = oracleAggregates(events);
    let differing = 0;
    let eventsLost = 0;
    let eventsDuplicated = 0;
    for (const [customerId, want] of oracle) {
      const got = await store.read(customerId);
      if (JSON.stringify(comparable(got)) !== JSON.stringify(comparable(want))) differing += 1;
      for (const field of COUNTED) {
        const diff = (got?.[field] ?? 0) - want[field];
        if (diff < 0) eventsLost -= diff;
        else eventsDuplicated += diff;
      }
    }

    // The DLQ: one letter per poison record and consuming service, with its reason.
    const letters = await readDeadLetters(world, name);
    const expectedLetters = poison.flatMap((p) =>
      ['sink', 'processor'].map((service) => ({ ...p, stage: `${service}:${p.stage}` })),
    );
    const distinct = new Map<string, DeadLetterSeen>();
    let repeated = 0;
    for (const l of letters) {
      const id = `${l.stage} ${l.source.topic}/${l.source.partition}@${l.source.offset}`;
      if (distinct.has(id)) repeated += 1;
      else distinct.set(id, l);
    }
    const missing: string[] = [];
    const matched = new Set<DeadLetterSeen>();
    for (const want of expectedLetters) {
      const found = [...distinct.values()].find(
        (l) =>
          !matched.has(l) &&
          l.stage === want.stage &&
          l.source.topic === world.topics[want.stream] &&
          l.source.key === want.key &&
          l.reason.startsWith(want.reason),
      );
      if (found) matched.add(found);
      else missing.push(`${want.name} at ${want.stage}`);
    }
    // A letter whose record was sent more than once (a resend) matches no second poison.
    const unexpected = [...distinct.values()]
      .filter((l) => !matched.has(l) && !poison.some((p) => l.reason.startsWith(p.reason)))
      .map((l) => `${l.stage}: ${l.reason}`);

    const lost =
      stores.reduce((n, s) => n + Math.max(0, s.expected - s.stored), 0) +
      eventsLost +
      missing.length;
    const duplicated =
      stores.reduce((n, s) => n + Math.max(0, s.stored - s.expected), 0) + eventsDuplicated;
    await Promise.all(processes.map((p) => p.stop()));
    return {
      name,
      seconds: at(),
      faults,
      sent: { events: events.length, records, resentBatches, poison: poison.length },
      stores,
      redis: { customers: oracle.size, differing, eventsLost, eventsDuplicated },
      dlq: {
        expected: expectedLetters.length,
        found: matched.size,
        missing,
        repeated,
        unexpected,
      },
      unexpectedExits: processes.flatMap((p) => p.unexpectedExits),
      lost,
      duplicated,
    };
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await Promise.allSettled(Object.values(proxies).map((p) => p.close()));
    await world.tearDown().catch(() => undefined);
    await redis.close().catch(() => undefined);
    await services.stop();
  }
}

/** Numbers in [0, 1) from a seed (a linear congruential generator): reproducible moments. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function comparable(a: CustomerAggregates | undefined): unknown {
  const c = comparableAggregates(a);
  return c && { ...c, days: [...c.days] };
}

interface DeadLetterSeen {
  readonly stage: string;
  readonly reason: string;
  readonly source: { topic: string; partition: number; offset: string; key: string | null };
}

/** Every letter on the run's DLQ topic. */
async function readDeadLetters(
  world: ReturnType<typeof ownWorld>,
  name: string,
): Promise<DeadLetterSeen[]> {
  const tail = world.kafka.createTail({
    groupId: `${name}.faults-dlq`,
    topics: [world.topics.dlq],
    keep: 10_000,
  });
  try {
    await tail.start();
    return tail.recent(world.topics.dlq).map((r) => JSON.parse(r.value) as DeadLetterSeen);
  } finally {
    await tail.stop();
  }
}

/** The report as the terminal shows it: what happened, and every count. */
export function formatReport(r: FaultRunReport): string {
  const lines = [
    `fault run ${r.name}: ${r.seconds.toFixed(0)} s`,
    '',
    'fault            at (s)  outage (s)  in flight',
    ...r.faults.map(
      (f) =>
        `${f.fault.padEnd(16)} ${f.atSeconds.toFixed(1).padStart(6)}  ${f.outageSeconds.toFixed(1).padStart(10)}  ${String(f.behind).padStart(9)}`,
    ),
    '',
    'table                   expected    stored',
    ...r.stores.map(
      (s) =>
        `${s.table.padEnd(22)} ${String(s.expected).padStart(9)} ${String(s.stored).padStart(9)}`,
    ),
    '',
    `sent           ${r.sent.events} events as ${r.sent.records} records (${r.sent.resentBatches} sends repeated), ${r.sent.poison} poison`,
    `redis          ${r.redis.customers} customers, ${r.redis.differing} differing from a recomputation`,
    `dlq            ${r.dlq.found} of ${r.dlq.expected} letters expected, ${r.dlq.repeated} written twice, ${r.dlq.unexpected.length} unexpected`,
    ...r.dlq.missing.map((m) => `  missing: ${m}`),
    ...r.dlq.unexpected.map((m) => `  unexpected: ${m}`),
    ...r.unexpectedExits.map((m) => `  ${m}`),
    `lost           ${r.lost}`,
    `duplicated     ${r.duplicated}`,
  ];
  return lines.join('\n');
}
