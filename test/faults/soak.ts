import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setLogLevel } from '@amato/common';
import { type Fault, FAULTS, formatReport, runFaults, seeded } from './scenario';

const HELP = `./amato soak: the fault run of the test suite, for longer.

While a data set streams through the sink and the processor, one fault after another strikes
(in a shuffled order, every kind as often): SIGKILL of the sink, of the processor and of both,
a Kafka broker restart, a Redis restart (SIGKILL; append-only file fsynced every second), and
MySQL, PostgreSQL and MongoDB cut off for a while. Poison records and a hot key go out among the
events. At the end it prints what was sent, stored, dead-lettered, lost and duplicated, and
exits 1 unless nothing was lost or doubled.

usage: ./amato soak [--minutes N] [--scale X] [--outage-seconds S] [--seed N] [--out FILE]

  --minutes N         how long the events take to publish (default 20); faults every ~15 s
  --scale X           the data set's scale (default 0.2: ~400,000 events)
  --outage-seconds S  how long a database, the broker or Redis stays away (default 10)
  --seed N            the data set's and the fault order's seed (default 1)
  --out FILE          also write the report as JSON
  -h, --help          this text

It starts a Kafka broker and a Redis of its own (under .stack/faults/) and uses the local
stack's databases through proxies it can cut; ./amato stack up must have run.`;

function shuffled(faults: readonly Fault[], seed: number): Fault[] {
  const next = seeded(seed);
  const out = [...faults];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as Fault, out[i] as Fault];
  }
  return out;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--${name} must be a number above 0, got ${text}`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      scale: { type: 'string' },
      'outage-seconds': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const minutes = positive('minutes', values.minutes, 20);
  const scale = positive('scale', values.scale, 0.2);
  const outageSeconds = positive('outage-seconds', values['outage-seconds'], 10);
  const seed = Math.round(positive('seed', values.seed, 1));
  const rounds = Math.max(1, Math.round((minutes * 60) / 15 / FAULTS.length));
  const faults = Array.from({ length: rounds }, (_, r) => shuffled(FAULTS, seed + r)).flat();
  // Its own clients log every refused connection of the outages it causes.
  setLogLevel('fatal');
  const report = await runFaults({
    seed,
    scale,
    faults,
    publishSeconds: minutes * 60,
    hotKeyEvents: 10_000,
    outageSeconds,
    settleSeconds: 600,
    say: (line) => {
      console.log(`[soak] ${line}`);
    },
  });
  console.log(formatReport(report));
  if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  const clean =
    report.lost === 0 &&
    report.duplicated === 0 &&
    report.dlq.unexpected.length === 0 &&
    report.unexpectedExits.length === 0;
  return clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`soak: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
