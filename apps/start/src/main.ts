import 'reflect-metadata';
import {
  createLogger,
  exitOnFailure,
  parseCommandLine,
  setLogLevel,
  UsageError,
} from '@amato/common';
import { loadConfig, type AppConfig } from '@amato/config';
import { topicsFor } from '@amato/contracts';
import { Dataset } from '@amato/generator';
import { KafkaService } from '@amato/kafka';
import { headline, ModelRegistry } from '@amato/models';
import { MongoService } from '@amato/mongo';
import { MysqlService } from '@amato/mysql';
import { PostgresService } from '@amato/postgres';
import {
  MONGO_COLLECTIONS,
  MYSQL_TABLES,
  POSTGRES_TABLES,
  SINK_STREAMS,
  storeCounts,
} from '@amato/sink';

const logger = createLogger('start');

const HELP = `amato start's steps around the batch: waiting for the sink, and the summary.

usage: node --import tsx apps/start/src/main.ts <command> [options]   (./amato start runs them)

commands:
  wait-landed   wait until the sink has landed every event published so far: its consumer
                groups have committed up to the end of every stream's topic (lag 0), printing
                the lag as it falls; exits 1 if it stops falling for --stall seconds
  summary       print what the stores hold, table by table, beside what the generated data set
                has when --scale and --end say which (the one ./amato start published), and the
                active models with their headline figures

options:
  --stall S     wait-landed: seconds without progress before giving up (default 120)
  --scale X, --end DATE, --seed N
                summary: the generated data set to compare with (the generator's options;
                seed default 42)
  -h, --help    this text`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (n: number) => n.toLocaleString('en');

/** The sink's lag over every stream, each group on its stream's topic. */
async function sinkLag(kafka: KafkaService, config: AppConfig): Promise<number> {
  const topics = topicsFor(config.kafka.topicPrefix);
  let lag = 0;
  for (const stream of SINK_STREAMS) {
    lag += await kafka.groupLag(`${config.sink.groupId}.${stream}`, [topics[stream]]);
  }
  return lag;
}

async function waitLanded(config: AppConfig, stallSeconds: number): Promise<void> {
  const kafka = await new KafkaService(config.kafka).connect();
  const started = performance.now();
  try {
    let best = Infinity;
    let lastProgress = performance.now();
    const tty = process.stdout.isTTY;
    for (;;) {
      const lag = await sinkLag(kafka, config);
      if (lag === 0) break;
      if (lag < best) {
        best = lag;
        lastProgress = performance.now();
      }
      const line = `waiting for the sink to land everything: ${count(lag)} events to go`;
      process.stdout.write(tty ? `\r${line}   ` : `${line}\n`);
      if (performance.now() - lastProgress > stallSeconds * 1000) {
        throw new Error(
          `the sink has not landed anything for ${stallSeconds} s (${count(lag)} events to go): see .stack/logs/sink.log`,
        );
      }
      await sleep(tty ? 1000 : 5000);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `${tty ? '\r' : ''}the sink has landed every event (${seconds} s)      \n`,
    );
  } finally {
    await kafka.close();
  }
}

/** Each table's rows beside the generated set's, and whether every one matches. */
export function compareCounts(
  stored: Readonly<Record<string, number>>,
  generated: Readonly<Record<string, number>> | undefined,
): { lines: string[]; differing: string[] } {
  const width = Math.max(...Object.keys(stored).map((t) => t.length));
  const lines = [generated ? `  ${''.padEnd(width + 2)}      stored   generated` : ''];
  const differing: string[] = [];
  for (const [store, tables] of [
    ['MySQL', MYSQL_TABLES],
    ['PostgreSQL', POSTGRES_TABLES],
    ['MongoDB', MONGO_COLLECTIONS],
  ] as const) {
    lines.push(`  ${store}`);
    for (const table of tables) {
      const n = stored[table] ?? 0;
      const want = generated?.[table];
      if (want !== undefined && want !== n) differing.push(table);
      const beside =
        want === undefined ? '' : `  ${count(want).padStart(10)}${want === n ? '' : '  ≠'}`;
      lines.push(`    ${table.padEnd(width)}  ${count(n).padStart(10)}${beside}`);
    }
  }
  return { lines: lines.filter((l) => l !== ''), differing };
}

async function summary(
  config: AppConfig,
  generated: { scale: number; end: Date; seed: number } | undefined,
): Promise<void> {
  const mysql = new MysqlService(config.mysql);
  const postgres = new PostgresService(config.postgres);
  const mongo = new MongoService(config.mongo);
  try {
    await Promise.all([mysql.connect(), postgres.connect(), mongo.connect()]);
    const counts = await storeCounts(
      { mysql, postgres, mongo },
      {
        mysqlDatabase: config.mysql.database,
        postgresSchema: config.postgres.schema,
        mongoDatabase: config.mongo.database,
      },
    );
    const expected = generated ? { ...new Dataset(generated).expected } : undefined;
    const { lines, differing } = compareCounts(counts, expected);
    console.log('what the stores hold:');
    for (const line of lines) console.log(line);
    if (expected && differing.length === 0)
      console.log('  every table and collection holds exactly what was generated');
    else if (expected)
      console.log(
        `  ${differing.length} differ from what this run generated (≠): the stores also hold data of an earlier run, or some events are in the DLQ`,
      );
    const models = (await new ModelRegistry(postgres, config.postgres.schema).list()).filter(
      (v) => v.active,
    );
    console.log(models.length === 0 ? 'no model is active' : 'active models:');
    for (const v of models) {
      const figure = headline(v.metadata);
      console.log(`  ${v.name} v${v.version}${figure ? `: ${figure}` : ''}`);
    }
  } finally {
    await Promise.all([mysql.close(), postgres.close(), mongo.close()]);
  }
}

/** The generated set the summary compares with: --scale and --end (YYYY-MM-DD) together. */
function generatedSet(values: {
  scale?: string;
  end?: string;
  seed?: string;
}): { scale: number; end: Date; seed: number } | undefined {
  if (values.scale === undefined && values.end === undefined) return undefined;
  const scale = Number(values.scale);
  const end = new Date(`${values.end ?? ''}T00:00:00Z`);
  const seed = Number(values.seed ?? '42');
  if (!(scale > 0))
    throw new UsageError(`--scale must be a positive number, got "${values.scale ?? ''}"`);
  if (Number.isNaN(end.getTime()))
    throw new UsageError(`--end must be a date, YYYY-MM-DD, got "${values.end ?? ''}"`);
  if (!(Number.isInteger(seed) && seed >= 0))
    throw new UsageError(`--seed must be a non-negative integer, got "${values.seed ?? ''}"`);
  return { scale, end, seed };
}

async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    options: {
      stall: { type: 'string' },
      scale: { type: 'string' },
      end: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return;
  }
  const stall = Number(values.stall ?? '120');
  if (!(Number.isInteger(stall) && stall > 0))
    throw new UsageError(`--stall must be a whole number of seconds, got "${values.stall ?? ''}"`);
  const config = loadConfig();
  // The terminal is for a person: the libraries' info lines go to the services' logs.
  setLogLevel('warn');
  const [command] = positionals;
  if (command === 'wait-landed') await waitLanded(config, stall);
  else if (command === 'summary') await summary(config, generatedSet(values));
  else
    throw new UsageError(`unknown command "${command ?? ''}": wait-landed or summary (see --help)`);
}

if (require.main === module) main(process.argv.slice(2)).catch(exitOnFailure('start', logger));
