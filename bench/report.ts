/**
 * Every benchmark of bench/ against the local stack, one after another, and one report of what
 * they printed: markdown and JSON, each table under the command that produced it, with the
 * machine (cores, CPU model, memory) and a fixed CPU loop timed before and after the whole run
 * (this VM's speed drifts within minutes). Nothing in the report is typed in: each figure is a
 * row a benchmark printed (bench/support/report.ts records its tables when AMATO_BENCH_REPORT
 * names a file). Targets and floors are the benchmarks' own rows, measured in the same run.
 *
 *   ./amato bench [--quick] [--only NAME,...] [--out DIR] [--timeout-minutes 30]
 *
 * --quick runs each at a smaller scale or for fewer seconds (a few minutes in all); the default
 * is the benchmarks' documented sizes. Needs the stack (./amato stack up).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuCheckMs, REPORT_ENV } from './support/report';

interface Bench {
  readonly name: string;
  readonly what: string;
  readonly full: readonly string[];
  readonly quick: readonly string[];
}

/** In the order they run: the cheap ones first, the batch (which lands a data set) last. */
export const BENCHES: readonly Bench[] = [
  {
    name: 'contracts-decode',
    what: 'event decoding and validation, one core',
    full: [],
    quick: ['--events', '100000'],
  },
  {
    name: 'kafka-roundtrip',
    what: 'the Kafka adapter: produce and consume through KafkaJS',
    full: [],
    quick: ['--records', '50000'],
  },
  {
    name: 'kafka-clients',
    what: 'KafkaJS through the adapter against @platformatic/kafka: produce and consume, alternating',
    full: ['--rounds', '3'],
    quick: ['--records', '100000', '--rounds', '2'],
  },
  {
    name: 'generator',
    what: 'generating and publishing the shop',
    full: ['--scale', '0.2'],
    quick: ['--scale', '0.05'],
  },
  {
    name: 'processor',
    what: 'the stream processor: throughput against its floors, event-to-Redis latency, feature reads against a bare server',
    full: ['--scale', '0.2', '--seconds', '20'],
    quick: ['--scale', '0.05', '--seconds', '5'],
  },
  {
    name: 'sink',
    what: 'the sink: rows per second into the three stores',
    full: ['--scale', '0.2'],
    quick: ['--scale', '0.05'],
  },
  {
    name: 'models',
    what: 'segment and journey predictions over HTTP against the bare-server floor',
    full: ['--seconds', '10'],
    quick: ['--seconds', '4'],
  },
  {
    name: 'forecasts',
    what: 'revenue forecasts and campaign optimisation over HTTP against the floor',
    full: ['--seconds', '10'],
    quick: ['--seconds', '4'],
  },
  {
    name: 'batch',
    what: 'the batch through Trino, per step, beside the same aggregation in MySQL and PostgreSQL',
    full: ['--scale', '1'],
    quick: ['--scale', '0.05'],
  },
];

interface Table {
  readonly title: string;
  readonly rows: readonly (readonly [string, string])[];
}

interface Outcome {
  readonly name: string;
  readonly what: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly tables: readonly Table[];
  /** The end of what it printed, when it failed. */
  readonly failure?: string;
}

function runOne(
  bench: Bench,
  args: readonly string[],
  recordTo: string,
  timeoutMs: number,
): Promise<Outcome> {
  const command = `npx tsx bench/${bench.name}.ts ${args.join(' ')}`.trim();
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', `bench/${bench.name}.ts`, ...args],
      { env: { ...process.env, [REPORT_ENV]: recordTo, AMATO_LOG__LEVEL: 'error' } },
    );
    let output = '';
    // A benchmark that hangs (a store that stops answering) is stopped and reported as such,
    // so the report is written whatever happens.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    const keep = (chunk: Buffer) => {
      process.stdout.write(chunk);
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      if (timedOut) output += `\n(stopped by ./amato bench after ${timeoutMs / 60_000} minutes)`;
      let tables: Table[] = [];
      try {
        tables = readFileSync(recordTo, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Table);
      } catch {
        // it printed no table
      }
      done({
        name: bench.name,
        what: bench.what,
        command,
        exitCode,
        seconds: (performance.now() - started) / 1000,
        tables,
        ...(exitCode === 0 ? {} : { failure: output.slice(-3_000) }),
      });
    });
  });
}

function markdown(report: {
  startedAt: string;
  mode: string;
  machine: Record<string, string | number>;
  cpuCheckMs: { before: number; after: number };
  outcomes: readonly Outcome[];
}): string {
  const lines = [
    '# AMATO benchmark report',
    '',
    `Written by \`./amato bench${report.mode === 'quick' ? ' --quick' : ''}\` (bench/report.ts) on ${report.startedAt}. Every figure below is a row that the benchmark under its command printed in this run; targets, floors and ratios are the benchmarks' own rows, measured beside the figure they judge.`,
    '',
    '## Machine',
    '',
    '| what | value |',
    '| --- | --- |',
    ...Object.entries(report.machine).map(([k, v]) => `| ${k} | ${v} |`),
    `| CPU check: a fixed loop, before / after the whole run (ms) | ${report.cpuCheckMs.before.toFixed(0)} / ${report.cpuCheckMs.after.toFixed(0)} |`,
    '',
    '## Runs',
    '',
    '| benchmark | command | exit | seconds |',
    '| --- | --- | ---: | ---: |',
    ...report.outcomes.map(
      (o) =>
        `| ${o.name} | \`${o.command}\` | ${o.exitCode ?? 'killed'} | ${o.seconds.toFixed(0)} |`,
    ),
  ];
  for (const o of report.outcomes) {
    lines.push('', `## ${o.name}: ${o.what}`, '', `\`${o.command}\``);
    if (o.failure !== undefined) {
      lines.push(
        '',
        `**Failed** (exit ${o.exitCode ?? 'killed'}); the end of its output:`,
        '',
        '```',
        o.failure.trim(),
        '```',
      );
    }
    for (const t of o.tables) {
      lines.push('', `**${t.title}**`, '', '| what | figure |', '| --- | ---: |');
      for (const [k, v] of t.rows)
        lines.push(`| ${k.trim().replace(/\|/g, '\\|')} | ${v.replace(/\|/g, '\\|')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: 'reports' },
      'timeout-minutes': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      `usage: ./amato bench [--quick] [--only NAME,...] [--out DIR] [--timeout-minutes N]\n  (default DIR: reports; each benchmark is stopped after N minutes, default 30)\nbenchmarks: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
    return;
  }
  const timeoutMinutes = Number(values['timeout-minutes']);
  if (!(timeoutMinutes > 0)) {
    console.error(
      `amato bench: --timeout-minutes must be a number above 0, got "${values['timeout-minutes']}"`,
    );
    process.exit(2);
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !BENCHES.some((b) => b.name === n)) ?? [];
  if (unknown.length > 0) {
    console.error(
      `amato bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
    process.exit(2);
  }
  const chosen = BENCHES.filter((b) => !only || only.includes(b.name));
  const mode = values.quick ? 'quick' : 'full';
  const startedAt = new Date().toISOString();
  const scratch = mkdtempSync(join(tmpdir(), 'amato-bench-'));
  const before = cpuCheckMs();
  const outcomes: Outcome[] = [];
  for (const [i, bench] of chosen.entries()) {
    console.log(`\n[bench ${i + 1}/${chosen.length}] ${bench.name}: ${bench.what}`);
    const args = values.quick ? bench.quick : bench.full;
    outcomes.push(
      await runOne(bench, args, join(scratch, `${bench.name}.jsonl`), timeoutMinutes * 60_000),
    );
  }
  const after = cpuCheckMs();
  rmSync(scratch, { recursive: true, force: true });
  const cpu = cpus();
  const report = {
    startedAt,
    mode,
    machine: {
      host: hostname(),
      cores: cpu.length,
      'CPU model': cpu[0]?.model ?? 'unknown',
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      node: process.version,
    },
    cpuCheckMs: { before, after },
    outcomes,
  };
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'benchmarks.md'), markdown(report));
  const failed = outcomes.filter((o) => o.exitCode !== 0);
  console.log(
    `\nreport: ${join(out, 'benchmarks.md')} and benchmarks.json (${outcomes.length} benchmarks, ${failed.length} failed${failed.length > 0 ? `: ${failed.map((o) => o.name).join(', ')}` : ''})`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
