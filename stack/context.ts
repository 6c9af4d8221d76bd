import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { AppConfig } from '@amato/config';
import { isAlive, readPid, removeFile, terminate } from './runtime';

/** Where the stack keeps everything: one ignored folder (config stack.dir, default .stack). */
export interface StackContext {
  readonly config: AppConfig;
  readonly root: string;
  readonly dir: string;
  readonly cacheDir: string;
  readonly optDir: string;
  /** The service's data folder, created if missing. */
  dataDir(service: string): string;
  logFile(service: string): string;
  pidFile(service: string): string;
  say(message: string): void;
}

export function createContext(
  config: AppConfig,
  root: string,
  say: (m: string) => void,
): StackContext {
  const dir = isAbsolute(config.stack.dir) ? config.stack.dir : resolve(root, config.stack.dir);
  for (const sub of ['cache', 'opt', 'data', 'logs', 'run'])
    mkdirSync(join(dir, sub), { recursive: true });
  return {
    config,
    root,
    dir,
    cacheDir: join(dir, 'cache'),
    optDir: join(dir, 'opt'),
    dataDir: (service) => {
      const path = join(dir, 'data', service);
      mkdirSync(path, { recursive: true });
      return path;
    },
    logFile: (service) => join(dir, 'logs', `${service}.log`),
    pidFile: (service) => join(dir, 'run', `${service}.pid`),
    say,
  };
}

/** One service of the local stack. The orchestrator (stack.ts) makes up/down idempotent. */
export interface StackService {
  readonly name: string;
  readonly title: string;
  /** The address clients use; the port is checked for conflicts before start. */
  endpoint(ctx: StackContext): { host: string; port: number };
  /** The setting (environment variable) that moves the service to another port. */
  readonly portSetting: string;
  /** Further ports the service binds (e.g. Kafka's controller). */
  extraPorts?(ctx: StackContext): number[];
  /** Debian packages that provide the service, installed when `command` is missing. */
  readonly debian?: { readonly command: string; readonly packages: readonly string[] };
  /** Downloads or prepares what the service runs (beyond Debian packages); idempotent. */
  install?(ctx: StackContext): Promise<void>;
  /** Starts the process(es) in the background; returns once launched, not once ready. */
  start(ctx: StackContext): Promise<void>;
  /** After the port opens on a fresh start: users, databases, grants. Idempotent. */
  bootstrap?(ctx: StackContext): Promise<void>;
  /**
   * Puts AMATO's own objects in place once the service is ready: schemas, collections, topics.
   * Runs on every `up`, so it must be idempotent and quick when there is nothing to do.
   */
  prepare?(ctx: StackContext): Promise<void>;
  /** True when the service answers as AMATO's clients need it (real protocol, real credentials). */
  ready(ctx: StackContext): Promise<boolean>;
  /** The pid this checkout started, if it runs. */
  pid(ctx: StackContext): number | undefined;
  stop(ctx: StackContext): Promise<void>;
}

/** pid() and stop() of a service that runs as one process whose pid is in its pid file. */
export function pidFileLifecycle(
  name: string,
  graceMs = 20_000,
): Pick<StackService, 'pid' | 'stop'> {
  return {
    pid: (ctx) => {
      const pid = readPid(ctx.pidFile(name));
      return isAlive(pid) ? pid : undefined;
    },
    async stop(ctx) {
      const pid = readPid(ctx.pidFile(name));
      if (pid !== undefined) await terminate(pid, graceMs);
      removeFile(ctx.pidFile(name));
    },
  };
}
