import { writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import {
  createLogger,
  exitOnFailure,
  parseCommandLine,
  setLogLevel,
  UsageError,
} from '@amato/common';
import { loadConfig } from '@amato/config';
import { topicSpecs, topicsFor } from '@amato/contracts';
import {
  Dataset,
  MAX_SCALE,
  MIN_SCALE,
  publish,
  type PublishSummary,
  trickle,
} from '@amato/generator';
import { KafkaService } from '@amato/kafka';

const HELP = `amato generator: publishes a synthetic, internally consistent shop to Kafka.

usage: npm run generate -- [options]        (or: node dist/apps/generator/main.js [options])

The data: customers with demographics, orders with line items, campaigns with daily
performance, A/B tests with a recorded true lift, and the clickstream of every session, over
the --days before --end, in event-time order. The same --seed gives the same events.

options:
  --scale X        volume relative to the reference data set, ${MIN_SCALE} to ${MAX_SCALE} (default 1:
                   10,000 customers, 50,000 orders, 150,000 line items, 100 campaigns,
                   1,000 performance days, 50 A/B tests, 100,000 sessions, 800,000 page
                   views, 600,000 actions, 180,000 product interactions, 60,000 searches)
  --seed N         random seed, a non-negative integer (default 42)
  --end DATE       end of the simulated period, YYYY-MM-DD (default 2026-01-01)
  --days N         length of the simulated period in days (default 730)
  --rate N         publish at most N events per second (default: as fast as possible)
  --batch N        records per producer request, all topics together (default 5000)
  --dry-run        generate and count, publish nothing
  --summary FILE   also write the summary (counts per event type and per table) as JSON
  --live           publish no data set: keep publishing new sessions of its customers (the
                   same --scale, --seed and --end name them) in real time, each event when
                   its time comes, until stopped (Ctrl-C); the main job runs this so the
                   dashboard moves
  --sessions-per-minute N
                   with --live: new sessions started per minute (default 60)
  -h, --help       this text

Topics are <kafka.topicPrefix>.customers|transactions|campaigns|clickstream (config, or
AMATO_KAFKA__TOPIC_PREFIX); the Kafka brokers come from config as well.`;

const logger = createLogger('generator');

function number(
  name: string,
  raw: string,
  check: (n: number) => boolean,
  expected: string,
): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`--${name} must be ${expected}, got "${raw}"`);
  return n;
}

export interface GeneratorArgs {
  readonly scale: number;
  readonly seed: number;
  readonly end: Date;
  readonly days: number;
  readonly rate: number;
  readonly batch: number;
  readonly dryRun: boolean;
  readonly summary?: string;
  readonly live: boolean;
  readonly sessionsPerMinute: number;
  readonly help: boolean;
}

export function parseGeneratorArgs(argv: readonly string[]): GeneratorArgs {
  const parsed = parseCommandLine({
    args: [...argv],
    options: {
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      end: { type: 'string', default: '2026-01-01' },
      days: { type: 'string', default: '730' },
      rate: { type: 'string', default: '0' },
      batch: { type: 'string', default: '5000' },
      'dry-run': { type: 'boolean', default: false },
      summary: { type: 'string' },
      live: { type: 'boolean', default: false },
      'sessions-per-minute': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const v = parsed.values;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.end) || Number.isNaN(Date.parse(`${v.end}T00:00:00Z`))) {
    throw new UsageError(`--end must be a date YYYY-MM-DD, got "${v.end}"`);
  }
  return {
    scale: number(
      'scale',
      v.scale,
      (n) => n >= MIN_SCALE && n <= MAX_SCALE,
      `between ${MIN_SCALE} and ${MAX_SCALE}`,
    ),
    seed: number(
      'seed',
      v.seed,
      (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32,
      'a non-negative integer below 2^32',
    ),
    end: new Date(`${v.end}T00:00:00Z`),
    days: number(
      'days',
      v.days,
      (n) => Number.isInteger(n) && n >= 30 && n <= 3650,
      'a whole number of days from 30 to 3650',
    ),
    rate: number('rate', v.rate, (n) => n >= 0, 'a number of events per second >= 0'),
    batch: number(
      'batch',
      v.batch,
      (n) => Number.isInteger(n) && n >= 1 && n <= 100_000,
      'an integer from 1 to 100000',
    ),
    dryRun: v['dry-run'],
    summary: v.summary,
    live: v.live,
    sessionsPerMinute: number(
      'sessions-per-minute',
      v['sessions-per-minute'],
      (n) => n > 0 && n <= 60_000,
      'a number of sessions per minute above 0 and at most 60000',
    ),
    help: v.help,
  };
}

function table(rows: readonly (readonly [string, string | number])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows
    .map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en') : v}`)
    .join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseGeneratorArgs(argv);
  if (args.help) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  setLogLevel(config.log.level);
  const planning = performance.now();
  const dataset = new Dataset({
    seed: args.seed,
    scale: args.scale,
    end: args.end,
    days: args.days,
  });
  logger.info(
    {
      seed: args.seed,
      scale: args.scale,
      events: dataset.totalEvents,
      planMs: Math.round(performance.now() - planning),
    },
    'dataset planned',
  );

  if (args.live) {
    await live(args, dataset, config);
    return;
  }

  const bar = process.stderr.isTTY
    ? new SingleBar({
        format:
          'publishing [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | eta {eta_formatted}',
        hideCursor: true,
        stream: process.stderr,
      })
    : undefined;
  bar?.start(dataset.totalEvents, 0, { rate: 0 });
  let lastLogged = 0;
  const started = performance.now();
  const onProgress = (done: number) => {
    const rate = Math.round(done / ((performance.now() - started) / 1000));
    bar?.update(done, { rate });
    // Without a terminal, a line every 10% instead of a bar.
    if (!bar && done - lastLogged >= dataset.totalEvents / 10) {
      lastLogged = done;
      logger.info({ done, total: dataset.totalEvents, rate }, 'publishing');
    }
  };

  let summary: PublishSummary;
  const topics = topicsFor(config.kafka.topicPrefix);
  if (args.dryRun) {
    summary = await publish(
      dataset.events(),
      topics,
      { sendBatch: () => Promise.resolve() },
      { batchSize: args.batch, onProgress },
    );
  } else {
    const kafka = await new KafkaService(config.kafka).connect();
    try {
      await kafka.ensureTopics(topicSpecs(topics));
      summary = await publish(dataset.events(), topics, kafka, {
        batchSize: args.batch,
        rate: args.rate,
        onProgress,
      });
    } finally {
      bar?.stop();
      await kafka.close();
    }
  }
  bar?.stop();

  const rate = Math.round(summary.published / summary.seconds);
  console.log(
    `\n${args.dryRun ? 'generated (dry run)' : `published to ${config.kafka.brokers.join(',')}`}: ${summary.published.toLocaleString('en')} events in ${summary.seconds.toFixed(1)} s (${rate.toLocaleString('en')} events/s)`,
  );
  console.log('\nevents by type');
  console.log(table(Object.entries(summary.byType).sort()));
  console.log('\nrows each table and collection receives once sunk');
  console.log(table(Object.entries(dataset.expected)));
  if (args.summary) {
    writeFileSync(
      args.summary,
      JSON.stringify(
        {
          ...args,
          published: summary.published,
          seconds: summary.seconds,
          byType: summary.byType,
          expected: dataset.expected,
        },
        null,
        2,
      ),
    );
  }
}

/** --live: new sessions in real time until SIGINT or SIGTERM, a line of totals every 10 s. */
async function live(
  args: GeneratorArgs,
  dataset: Dataset,
  config: ReturnType<typeof loadConfig>,
): Promise<void> {
  const topics = topicsFor(config.kafka.topicPrefix);
  const kafka = await new KafkaService(config.kafka).connect();
  const stop = new AbortController();
  const onSignal = () => {
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(
    `live: ${args.sessionsPerMinute} new sessions a minute of the data set's ${dataset.expected.customers.toLocaleString('en')} customers, to ${config.kafka.brokers.join(',')}; Ctrl-C stops`,
  );
  let reported = Date.now();
  const started = Date.now();
  try {
    await kafka.ensureTopics(topicSpecs(topics));
    const published = await trickle(dataset, topics, kafka, {
      sessionsPerMinute: args.sessionsPerMinute,
      seed: args.seed,
      signal: stop.signal,
      onPublished: (n) => {
        if (Date.now() - reported < 10_000) return;
        reported = Date.now();
        const minutes = (reported - started) / 60_000;
        console.log(
          `live: ${n.toLocaleString('en')} events published in ${minutes.toFixed(1)} min`,
        );
      },
    });
    console.log(`live: stopped after ${published.toLocaleString('en')} events`);
  } finally {
    await kafka.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(
    exitOnFailure('generator', logger, (err) => err instanceof UsageError),
  );
}
