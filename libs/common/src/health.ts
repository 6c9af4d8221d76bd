import { describeCause } from './errors';

/** The state of one dependency as a health endpoint or the stack CLI reports it. */
export interface DependencyHealth {
  readonly name: string;
  readonly endpoint: string;
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

/** Implemented by every adapter; the health module collects them. */
export interface HealthIndicator {
  readonly dependencyName: string;
  checkHealth(): Promise<DependencyHealth>;
}

/** Runs a probe with a deadline and turns its outcome into a DependencyHealth. */
export async function probe(
  name: string,
  endpoint: string,
  check: () => Promise<unknown>,
  timeoutMs = 2_000,
): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
    return { name, endpoint, status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      name,
      endpoint,
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: describeCause(err),
    };
  } finally {
    clearTimeout(timer);
  }
}
