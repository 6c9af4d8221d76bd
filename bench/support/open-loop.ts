import { Agent, request } from 'node:http';

export interface OpenLoopResult {
  /** Milliseconds from each request's scheduled time to its full response, sorted. */
  readonly latencies: number[];
  /** Milliseconds from each request's scheduled time to its sending, sorted: the client's own
   * lateness (timer granularity, its event loop), which the latencies include. */
  readonly lateness: number[];
  readonly failures: number;
  readonly seconds: number;
}

/**
 * GET requests at a fixed rate, sent on schedule whether or not earlier ones have answered
 * (open loop, like independent clients), over keep-alive connections. Latency counts from the
 * moment a request was due, so a stall shows up in every request it delays.
 */
export function openLoopGets(options: {
  readonly host: string;
  readonly port: number;
  readonly rate: number;
  readonly seconds: number;
  readonly path: () => string;
  readonly headers?: Readonly<Record<string, string>>;
}): Promise<OpenLoopResult> {
  return openLoopRequests({ ...options, method: 'GET' });
}

/** openLoopGets for any method: POST sends `body()` as JSON with each request. */
export function openLoopRequests(options: {
  readonly host: string;
  readonly port: number;
  readonly rate: number;
  readonly seconds: number;
  readonly method: 'GET' | 'POST';
  readonly path: () => string;
  readonly body?: () => string;
  readonly headers?: Readonly<Record<string, string>>;
}): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const lateness: number[] = [];
  let failures = 0;
  let sent = 0;
  let finished = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const settle = (due: number, ok: boolean) => {
      latencies.push(performance.now() - due);
      if (!ok) failures += 1;
      if (++finished === total) {
        agent.destroy();
        resolve({
          latencies: latencies.sort((a, b) => a - b),
          lateness: lateness.sort((a, b) => a - b),
          failures,
          seconds: (performance.now() - start) / 1000,
        });
      }
    };
    const tick = () => {
      const dueNow = Math.min(
        total,
        Math.floor(((performance.now() - start) * options.rate) / 1000) + 1,
      );
      while (sent < dueNow) {
        const due = start + (sent * 1000) / options.rate;
        sent += 1;
        lateness.push(performance.now() - due);
        const body = options.body?.();
        const req = request(
          {
            agent,
            method: options.method,
            host: options.host,
            port: options.port,
            path: options.path(),
            headers:
              body === undefined
                ? options.headers
                : { ...options.headers, 'content-type': 'application/json' },
          },
          (response) => {
            response.resume();
            response.on('end', () => {
              settle(due, response.statusCode === 200);
            });
          },
        );
        req.on('error', () => {
          settle(due, false);
        });
        req.end(body);
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}
