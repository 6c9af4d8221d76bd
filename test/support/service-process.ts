import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/**
 * Starts one of AMATO's programs (e.g. `apps/sink/src/main.ts`) as a real process, with node
 * loading tsx (tsx's own CLI would run a child, and signals would not reach the service).
 * Errors only on stderr; a killed consumer leaves its group within 6 s.
 */
export function startService(
  entry: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
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
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** The metric lines of a Prometheus text page with this name, as label text and value. */
export function metricValues(page: string, name: string): { labels: string; value: number }[] {
  return [...page.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((m) => ({
    labels: m[1] ?? '',
    value: Number(m[2]),
  }));
}
