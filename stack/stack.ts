import type { StackContext, StackService } from './context';
import { portOwner } from '@amato/common';
import { hasCommand, isRoot, portOpen, run, StackError, waitUntil } from './runtime';

export type ServiceStateName =
  'running' | 'started' | 'external' | 'stopped' | 'failed' | 'not ready';

export interface ServiceState {
  readonly service: StackService;
  readonly endpoint: string;
  readonly state: ServiceStateName;
  readonly pid?: number;
  readonly seconds?: number;
  readonly detail?: string;
}

type Plan = { kind: 'ours'; pid: number } | { kind: 'external'; owner: string } | { kind: 'start' };

/** Decides per service: already ours, already served by someone else, or to be started here. */
async function plan(ctx: StackContext, service: StackService): Promise<Plan> {
  const pid = service.pid(ctx);
  if (pid !== undefined) return { kind: 'ours', pid };
  const { host, port } = service.endpoint(ctx);
  for (const p of [port, ...(service.extraPorts?.(ctx) ?? [])]) {
    if (!(await portOpen(host, p))) continue;
    const owner = portOwner(p) ?? 'another process';
    if (p === port && (await service.ready(ctx))) return { kind: 'external', owner };
    throw new StackError(
      `${service.title}: port ${p} on ${host} is already taken by ${owner}, which does not answer ` +
        `as ${service.title} with AMATO's settings. Stop that process, or move AMATO's ` +
        `${service.name} to a free port with ${service.portSetting}=<port>.`,
    );
  }
  return { kind: 'start' };
}

/** Installs missing Debian packages in one apt-get run (root), or says which to install. */
export function ensureDebianPackages(
  ctx: StackContext,
  services: readonly Pick<StackService, 'title' | 'debian'>[],
): void {
  const missing = services.filter((s) => s.debian && !hasCommand(s.debian.command));
  const packages = missing.flatMap((s) => s.debian?.packages ?? []);
  if (packages.length === 0) return;
  if (!isRoot()) {
    throw new StackError(
      `missing Debian packages for ${missing.map((s) => s.title).join(', ')}; install them with:\n` +
        `  sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
  }
  ctx.say(`installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { what: 'apt-get update', env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
    what: 'apt-get install',
    env,
  });
}

async function startOne(ctx: StackContext, service: StackService): Promise<ServiceState> {
  const started = Date.now();
  const { host, port } = service.endpoint(ctx);
  const endpoint = `${host}:${port}`;
  const timeoutMs = ctx.config.stack.startTimeoutMs;
  const logFile = ctx.logFile(service.name);
  await service.start(ctx);
  await waitUntil(`${service.title} (port ${port})`, () => portOpen(host, port), {
    timeoutMs,
    alive: () => service.pid(ctx) !== undefined,
    logFile,
  });
  await service.bootstrap?.(ctx);
  await waitUntil(`${service.title} (ready check)`, () => service.ready(ctx), {
    timeoutMs,
    logFile,
    intervalMs: 500,
  });
  return {
    service,
    endpoint,
    state: 'started',
    pid: service.pid(ctx),
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Brings the services up. Idempotent: a service this checkout runs is left as it is, and one
 * already served on its port (another checkout's stack, docker-compose) is used as it is.
 */
export async function up(
  ctx: StackContext,
  services: readonly StackService[],
): Promise<ServiceState[]> {
  const plans = await Promise.all(
    services.map(async (s) => ({ service: s, plan: await plan(ctx, s) })),
  );
  const toStart = plans.filter((p) => p.plan.kind === 'start').map((p) => p.service);

  ensureDebianPackages(ctx, toStart);
  for (const service of toStart) {
    if (service.install) {
      const began = Date.now();
      await service.install(ctx);
      const seconds = (Date.now() - began) / 1000;
      if (seconds > 1) ctx.say(`${service.name}: installed in ${seconds.toFixed(1)} s`);
    }
  }

  const outcomes = await Promise.allSettled(
    plans.map(async ({ service, plan: p }): Promise<ServiceState> => {
      const { host, port } = service.endpoint(ctx);
      const endpoint = `${host}:${port}`;
      if (p.kind === 'external') return { service, endpoint, state: 'external', detail: p.owner };
      if (p.kind === 'ours') {
        await waitUntil(`${service.title} (ready check)`, () => service.ready(ctx), {
          timeoutMs: ctx.config.stack.startTimeoutMs,
          logFile: ctx.logFile(service.name),
          intervalMs: 500,
        });
        return { service, endpoint, state: 'running', pid: p.pid };
      }
      ctx.say(`${service.name}: starting on ${endpoint}`);
      return startOne(ctx, service);
    }),
  );
  const states = outcomes.map((outcome, i): ServiceState => {
    const service = plans[i]?.service as StackService;
    if (outcome.status === 'fulfilled') return outcome.value;
    const { host, port } = service.endpoint(ctx);
    const reason: unknown = outcome.reason;
    return {
      service,
      endpoint: `${host}:${port}`,
      state: 'failed',
      detail: reason instanceof Error ? reason.message : String(reason),
    };
  });
  return Promise.all(states.map((state) => prepareOne(ctx, state)));
}

/** Runs a ready service's prepare step (schemas, topics); a failure marks the service failed. */
async function prepareOne(ctx: StackContext, state: ServiceState): Promise<ServiceState> {
  if (state.state === 'failed' || !state.service.prepare) return state;
  try {
    await state.service.prepare(ctx);
    return state;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...state,
      state: 'failed',
      detail: `ready, but preparing AMATO's objects failed: ${message}`,
    };
  }
}

/** Stops what this checkout started, in reverse order; leaves external services alone. */
export async function down(
  ctx: StackContext,
  services: readonly StackService[],
): Promise<ServiceState[]> {
  const states: ServiceState[] = [];
  for (const service of [...services].reverse()) {
    const { host, port } = service.endpoint(ctx);
    const pid = service.pid(ctx);
    if (pid !== undefined) {
      ctx.say(`${service.name}: stopping pid ${pid}`);
      await service.stop(ctx);
    }
    states.unshift({ service, endpoint: `${host}:${port}`, state: 'stopped', pid });
  }
  return states;
}

export async function status(
  ctx: StackContext,
  services: readonly StackService[],
): Promise<ServiceState[]> {
  return Promise.all(
    services.map(async (service): Promise<ServiceState> => {
      const { host, port } = service.endpoint(ctx);
      const endpoint = `${host}:${port}`;
      const pid = service.pid(ctx);
      // A closed port answers at once; asking a client to connect to it may retry for seconds.
      const ready = (await portOpen(host, port)) && (await service.ready(ctx));
      if (pid !== undefined)
        return { service, endpoint, state: ready ? 'running' : 'not ready', pid };
      if (ready)
        return {
          service,
          endpoint,
          state: 'external',
          detail: portOwner(port) ?? 'another process',
        };
      const open = await portOpen(host, port);
      return {
        service,
        endpoint,
        state: 'stopped',
        detail: open ? `port taken by ${portOwner(port) ?? 'another process'}` : undefined,
      };
    }),
  );
}

export function formatStates(ctx: StackContext, states: readonly ServiceState[]): string {
  const rows = states.map((s) => [
    s.service.name,
    s.service.title,
    s.endpoint,
    s.state,
    s.pid === undefined ? '' : String(s.pid),
    s.seconds === undefined ? '' : `${s.seconds.toFixed(1)} s`,
    s.state === 'failed' ? '' : (s.detail ?? ''),
  ]);
  const header = ['service', 'what', 'listens on', 'state', 'pid', 'start', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const failures = states
    .filter((s) => s.state === 'failed')
    .map((s) => `\n${s.service.name} failed: ${s.detail ?? ''}`);
  return [line(header), ...rows.map(line), `(data and logs under ${ctx.dir})`, ...failures].join(
    '\n',
  );
}

/** The browser of the dashboard's end-to-end tests: Debian's Chromium, driven by playwright-core. */
export const BROWSER = {
  title: "Chromium (the dashboard's browser tests)",
  debian: { command: 'chromium', packages: ['chromium'] },
} as const;
