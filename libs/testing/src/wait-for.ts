import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until `done` accepts its value, and returns that value; after `timeoutMs` it
 * fails, naming what it waited for and the last value seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean = Boolean,
  { timeoutMs = 60_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}: last ${JSON.stringify(value)}`,
      );
    await sleep(intervalMs);
  }
}
