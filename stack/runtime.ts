import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A stack step failed in a way the user can act on; the CLI prints the message, not a trace. */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackError';
  }
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; throws a StackError with its output tail when it fails. */
export function run(
  command: string,
  args: readonly string[],
  options: SpawnSyncOptions & { what?: string } = {},
): RunResult {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.error) {
    throw new StackError(
      `${options.what ?? command}: could not run ${command}: ${result.error.message}`,
    );
  }
  const out: RunResult = {
    status: result.status ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
  if (out.status !== 0) {
    const tail = (out.stderr || out.stdout).trim().split('\n').slice(-15).join('\n');
    throw new StackError(`${options.what ?? command} failed (exit ${out.status}):\n${tail}`);
  }
  return out;
}

/** True when the command exists on PATH. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Starts a long-running process detached from this one, output to a log file, pid to a file. */
export function spawnDetached(options: {
  command: string;
  args: readonly string[];
  logFile: string;
  pidFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}): number {
  mkdirSync(dirname(options.logFile), { recursive: true });
  mkdirSync(dirname(options.pidFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new StackError(`could not start ${options.command}`);
    child.unref();
    writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; /proc tells it apart.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Resolves once the process is gone. */
export async function terminate(pid: number, graceMs = 20_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

export function removeFile(file: string): void {
  rmSync(file, { force: true });
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** Polls until check() is true; throws a StackError naming what was awaited and the log to read. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; alive?: () => boolean; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const logHint = options.logFile ? `; see ${options.logFile}` : '';
  for (;;) {
    if (await check().catch(() => false)) return;
    if (options.alive && !options.alive()) {
      throw new StackError(
        `${what}: the process exited during start-up${logHint}\n${tailFile(options.logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new StackError(
        `${what}: not ready after ${Math.round(options.timeoutMs / 1000)} s${logHint}\n${tailFile(options.logFile)}`,
      );
    }
    await sleep(options.intervalMs ?? 250);
  }
}

export function tailFile(file: string | undefined, lines = 12): string {
  if (!file || !existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text
    .slice(-lines)
    .map((line) => `    | ${line.slice(0, 300)}`)
    .join('\n');
}

interface Adapter {
  connect(): Promise<unknown>;
  close(): Promise<void>;
}

/** Connects an adapter, runs `use` with it, and always closes it. */
export async function usingAdapter<A extends Adapter>(
  adapter: A,
  use: (adapter: A) => Promise<void>,
): Promise<void> {
  try {
    await adapter.connect();
    await use(adapter);
  } finally {
    await adapter.close().catch(() => undefined);
  }
}

/** Readiness through the project's own adapter: connects with the real protocol and credentials. */
export async function adapterConnects(adapter: Adapter): Promise<boolean> {
  return usingAdapter(adapter, () => Promise.resolve()).then(
    () => true,
    () => false,
  );
}
