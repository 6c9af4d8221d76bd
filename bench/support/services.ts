import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The API key the benchmarks' API processes accept (no key is committed in the config). */
export const BENCH_API_KEY = `bench-${randomBytes(12).toString('hex')}`;

/** A service of this repository (an app's main, the floor server) in its own process, quiet. */
export function startService(
  entry: string,
  env: Record<string, string>,
  args: readonly string[],
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, AMATO_API__API_KEYS: BENCH_API_KEY, ...env, AMATO_LOG__LEVEL: 'error' },
    stdio: 'ignore',
  });
}

/**
 * Times `runs` POSTs of the same body one after another; the first `warm` ones warm the process
 * up and are dropped. The rest sorted, in ms. Anything but a 200 stops the benchmark.
 */
export async function timedPost(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
  runs = 7,
  warm = 2,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${path} answered ${r.status}`);
    times.push(performance.now() - t);
  }
  return times.slice(warm).sort((a, b) => a - b);
}
