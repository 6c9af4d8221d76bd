import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts at a batch whose error is not transient, before it is split. */
  readonly attempts: number;
  /** Backoff: full jitter over base · 2^(n−1), capped. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 10_000,
};

/** A record the handler failed on by itself, every attempt, with the last error. */
export interface Exhausted<T> {
  readonly item: T;
  readonly error: unknown;
  readonly attempts: number;
}

export interface RetryHooks {
  readonly isTransient: (err: unknown) => boolean;
  /** True once the service is stopping: a transient failure then gives the batch back. */
  readonly stopping: () => boolean;
  readonly onRetry?: (info: {
    transient: boolean;
    attempt: number;
    size: number;
    error: unknown;
  }) => void;
  readonly onSplit?: (info: { size: number; error: unknown }) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** The wait before attempt n + 1: uniform in [0, min(max, base · 2^(n−1))]. */
export function backoffMs(policy: RetryPolicy, failures: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(random() * ceiling);
}

/**
 * Runs `handle` over `items`, as a stream service handles a batch:
 * - a transient error (a store down, a deadlock) is retried with backoff for as long as the
 *   service runs: the batch waits for the dependency rather than losing records to the DLQ;
 * - any other error gets `policy.attempts` attempts; then the batch is split in halves, each
 *   tried once more (and split again), until the records that fail alone are found; each of
 *   those gets the full attempts and is then returned as exhausted, so the partition moves on;
 * - once the service is stopping, any error propagates: the batch is not committed and is
 *   delivered again after the restart.
 * `handle` must be idempotent: a half that fails may have applied part of its work, and
 * records of a failed attempt are handled again.
 */
export async function retryIsolating<T, R>(
  items: readonly T[],
  handle: (part: readonly T[]) => Promise<readonly R[]>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<{ results: R[]; exhausted: Exhausted<T>[] }> {
  const wait = hooks.sleep ?? ((ms: number) => sleep(ms));
  const random = hooks.random ?? Math.random;

  const run = async (
    part: readonly T[],
    attempts: number,
  ): Promise<{ results: R[]; exhausted: Exhausted<T>[] }> => {
    let failures = 0;
    let transientFailures = 0;
    for (;;) {
      try {
        return { results: [...(await handle(part))], exhausted: [] };
      } catch (error) {
        // While stopping, every failure gives the batch back (it is delivered again after the
        // restart): an error then may come from the shutdown itself, and must not cost a record.
        if (hooks.stopping()) throw error;
        if (hooks.isTransient(error)) {
          transientFailures += 1;
          hooks.onRetry?.({
            transient: true,
            attempt: transientFailures,
            size: part.length,
            error,
          });
          await wait(backoffMs(policy, transientFailures, random));
          continue;
        }
        failures += 1;
        if (failures < attempts) {
          hooks.onRetry?.({ transient: false, attempt: failures, size: part.length, error });
          await wait(backoffMs(policy, failures, random));
          continue;
        }
        if (part.length === 1)
          return { results: [], exhausted: [{ item: part[0] as T, error, attempts: failures }] };
        hooks.onSplit?.({ size: part.length, error });
        const middle = Math.ceil(part.length / 2);
        const halves = [part.slice(0, middle), part.slice(middle)];
        const out: { results: R[]; exhausted: Exhausted<T>[] } = { results: [], exhausted: [] };
        for (const half of halves) {
          const done = await run(half, half.length === 1 ? policy.attempts : 1);
          out.results.push(...done.results);
          out.exhausted.push(...done.exhausted);
        }
        return out;
      }
    }
  };

  if (items.length === 0) return { results: [...(await handle(items))], exhausted: [] };
  return run(items, policy.attempts);
}
