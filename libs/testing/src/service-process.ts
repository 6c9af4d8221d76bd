import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/**
 * Starts one of AMATO's programs (e.g. `apps/sink/src/main.ts`) as a real process, with node
 * loading tsx (tsx's own CLI would run a child, and signals would not reach the service).
 * Errors only on stderr; a killed consumer leaves its group within 6 s.
 */
export function startService(
  entry: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
  { logs = false }: { logs?: boolean } = {},
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    env: {
      ...process.env,
      AMATO_LOG__LEVEL: 'error',
      AMATO_KAFKA__CONSUMER__SESSION_TIMEOUT_MS: '6000',
      AMATO_KAFKA__CONSUMER__HEARTBEAT_INTERVAL_MS: '1000',
      ...env,
    },
    // With `logs`, its log lines (JSON on stdout) can be read from child.stdout.
    stdio: ['ignore', logs ? 'pipe' : 'ignore', 'inherit'],
  });
}

/** The metric lines of a Prometheus text page with this name, as label text and value. */
export function metricValues(page: string, name: string): { labels: string; value: number }[] {
  return [...page.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((m) => ({
    labels: m[1] ?? '',
    value: Number(m[2]),
  }));
}

/** The service processes a test starts; `killAll` in afterAll leaves none behind. */
export class ServiceProcesses {
  private readonly children: ChildProcess[] = [];

  start(
    entry: string,
    env: Readonly<Record<string, string>>,
    options: { logs?: boolean } = {},
  ): ChildProcess {
    const child = startService(entry, env, [], options);
    this.children.push(child);
    return child;
  }

  killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

/** Sends `signal` and resolves with the exit code once the process has exited. */
export function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else
      child.once('exit', (code) => {
        done(code);
      });
  });
  child.kill(signal);
  return exited;
}

/**
 * Scrapes a service's /metrics: the page, and the consumer lag gauges (one per partition it
 * consumed) that are not 0. A caught-up service has gauges and none of them behind.
 */
export async function scrapeConsumerLag(
  metricsPort: number,
): Promise<{ page: string; partitions: number; behind: { labels: string; value: number }[] }> {
  const page = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const lags = metricValues(page, 'amato_consumer_lag_records');
  return { page, partitions: lags.length, behind: lags.filter((l) => l.value !== 0) };
}
