import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  retryIsolating,
  type RetryHooks,
} from './retry-isolating';

const transient = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function hooks(overrides: Partial<RetryHooks> = {}) {
  const waits: number[] = [];
  return {
    waits,
    hooks: {
      isTransient: (err: unknown) => err === transient,
      stopping: () => false,
      sleep: (ms: number) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 1,
      ...overrides,
    } satisfies RetryHooks,
  };
}

/** A handler over numbers that fails whenever a part holds a poison number, and records what it applied. */
function handler(poison: Set<number>, error: Error = new Error('ERR Lua script failed')) {
  const applied: number[] = [];
  const calls: number[][] = [];
  return {
    applied,
    calls,
    handle: (part: readonly number[]) => {
      calls.push([...part]);
      if (part.some((n) => poison.has(n))) return Promise.reject(error);
      applied.push(...part);
      return Promise.resolve(part.map((n) => n * 10));
    },
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe(retryIsolating.name, () => {
  it('handles a healthy batch in one call', async () => {
    const h = handler(new Set());
    const { hooks: hk, waits } = hooks();
    const out = await retryIsolating(range(8), h.handle, DEFAULT_RETRY_POLICY, hk);
    expect(out).toEqual({ results: range(8).map((n) => n * 10), exhausted: [] });
    expect(h.calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('isolates one poison record of many: every other record applied, the poison one exhausted', async () => {
    const error = new Error('ERR Lua script failed');
    const h = handler(new Set([37]), error);
    const { hooks: hk } = hooks();
    const out = await retryIsolating(range(100), h.handle, DEFAULT_RETRY_POLICY, hk);
    expect(out.exhausted).toEqual([{ item: 37, error, attempts: DEFAULT_RETRY_POLICY.attempts }]);
    expect([...h.applied].sort((a, b) => a - b)).toEqual(range(100).filter((n) => n !== 37));
    expect(out.results).toHaveLength(99);
    // Bounded: the whole batch `attempts` times, one call per half on the way down, the
    // poison record alone `attempts` times.
    expect(h.calls.length).toBeLessThanOrEqual(3 + 2 * Math.ceil(Math.log2(100)) + 3);
  });

  it('isolates several poison records, in order', async () => {
    const h = handler(new Set([0, 5, 6, 15]));
    const { hooks: hk } = hooks();
    const out = await retryIsolating(range(16), h.handle, DEFAULT_RETRY_POLICY, hk);
    expect(out.exhausted.map((e) => e.item)).toEqual([0, 5, 6, 15]);
    expect(h.applied.sort((a, b) => a - b)).toEqual(
      range(16).filter((n) => ![0, 5, 6, 15].includes(n)),
    );
  });

  it('gives a lone failing record the full attempts, then exhausts it', async () => {
    const h = handler(new Set([1]));
    const { hooks: hk, waits } = hooks();
    const out = await retryIsolating([1], h.handle, { ...DEFAULT_RETRY_POLICY, attempts: 4 }, hk);
    expect(out.exhausted.map((e) => [e.item, e.attempts])).toEqual([[1, 4]]);
    expect(h.calls).toHaveLength(4);
    expect(waits).toHaveLength(3);
  });

  it('recovers without splitting when a non-transient error goes away on a retry', async () => {
    let calls = 0;
    const { hooks: hk } = hooks();
    const out = await retryIsolating(
      range(4),
      (part) => (++calls === 1 ? Promise.reject(new Error('flaky')) : Promise.resolve([...part])),
      DEFAULT_RETRY_POLICY,
      hk,
    );
    expect(out).toEqual({ results: range(4), exhausted: [] });
    expect(calls).toBe(2);
  });

  it('keeps retrying a transient error, without splitting or exhausting, until it clears', async () => {
    let calls = 0;
    const { hooks: hk, waits } = hooks();
    const out = await retryIsolating(
      range(10),
      (part) => (++calls <= 20 ? Promise.reject(transient) : Promise.resolve([...part])),
      DEFAULT_RETRY_POLICY,
      hk,
    );
    expect(out).toEqual({ results: range(10), exhausted: [] });
    expect(calls).toBe(21);
    // Capped exponential backoff.
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(Math.max(...waits)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });

  it('gives the batch back (rejects) on a transient error once the service is stopping', async () => {
    const { hooks: hk } = hooks({ stopping: () => true });
    await expect(
      retryIsolating(range(3), () => Promise.reject(transient), DEFAULT_RETRY_POLICY, hk),
    ).rejects.toBe(transient);
  });

  it('gives the batch back instead of isolating records once the service is stopping', async () => {
    const h = handler(new Set([1]));
    let stopping = false;
    const { hooks: hk } = hooks({
      stopping: () => stopping,
      sleep: () => {
        stopping = true;
        return Promise.resolve();
      },
    });
    await expect(retryIsolating(range(4), h.handle, DEFAULT_RETRY_POLICY, hk)).rejects.toThrow(
      'ERR Lua script failed',
    );
    expect(h.calls).toHaveLength(2);
  });

  it('calls the handler once for an empty batch', async () => {
    const h = handler(new Set());
    const { hooks: hk } = hooks();
    expect(await retryIsolating([], h.handle, DEFAULT_RETRY_POLICY, hk)).toEqual({
      results: [],
      exhausted: [],
    });
    expect(h.calls).toEqual([[]]);
  });

  it('reports retries and splits to its hooks', async () => {
    const retries: boolean[] = [];
    const splits: number[] = [];
    const h = handler(new Set([2]));
    const { hooks: hk } = hooks({
      onRetry: ({ transient: t }) => retries.push(t),
      onSplit: ({ size }) => splits.push(size),
    });
    await retryIsolating(range(4), h.handle, DEFAULT_RETRY_POLICY, hk);
    expect(splits).toEqual([4, 2]);
    expect(retries.every((t) => !t)).toBe(true);
  });
});

describe(backoffMs.name, () => {
  it('draws the wait uniformly under a doubling, capped ceiling', () => {
    const policy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(policy, 1, () => 1)).toBe(100);
    expect(backoffMs(policy, 3, () => 1)).toBe(400);
    expect(backoffMs(policy, 10, () => 1)).toBe(1000);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(200);
    expect(backoffMs(policy, 3, () => 0)).toBe(0);
  });
});
