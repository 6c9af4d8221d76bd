import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '@amato/config';
import { closedPort, testConfig } from '@amato/testing';
import { createContext, type StackContext, type StackService } from '../../stack/context';
import { isAlive, portOpen } from '../../stack/runtime';
import { kafka } from '../../stack/services/kafka';
import { redis } from '../../stack/services/redis';
import { up } from '../../stack/stack';

const root = resolve(__dirname, '../..');

/** The services a fault run may take down; everything else it shares with the other tests. */
export type PrivateServiceName = 'kafka' | 'redis';
const DEFINITIONS: Record<PrivateServiceName, StackService> = { kafka, redis };

/**
 * A Kafka broker and a Redis of a fault run's own, started exactly as `./amato stack up` starts
 * the shared ones (same definitions, same settings: Redis with its append-only file fsynced every
 * second), on free ports and under `.stack/faults/<name>`. Killing them disturbs no other test.
 */
export class PrivateServices {
  private constructor(
    /** The repo's configuration with Kafka and Redis moved to the private ports. */
    readonly config: AppConfig,
    /** AMATO_* variables that point a service process at them. */
    readonly env: Readonly<Record<string, string>>,
    private readonly ctx: StackContext,
    private readonly home: string,
  ) {}

  static async start(name: string): Promise<PrivateServices> {
    const [brokerPort, controllerPort, redisPort] = [
      await closedPort(),
      await closedPort(),
      await closedPort(),
    ];
    const env = {
      AMATO_KAFKA__BROKERS: `127.0.0.1:${brokerPort}`,
      AMATO_STACK__KAFKA__CONTROLLER_PORT: String(controllerPort),
      AMATO_REDIS__PORT: String(redisPort),
    };
    const config = testConfig(env);
    const shared = createContext(config, root, () => undefined);
    const home = join(shared.dir, 'faults', name);
    const under = (sub: string, file: string) => {
      mkdirSync(join(home, sub), { recursive: true });
      return join(home, sub, file);
    };
    // The shared stack's downloads (Kafka's jars), this run's own data, logs and pid files.
    const ctx: StackContext = {
      ...shared,
      dataDir: (service) => {
        const path = join(home, 'data', service);
        mkdirSync(path, { recursive: true });
        return path;
      },
      logFile: (service) => under('logs', `${service}.log`),
      pidFile: (service) => under('run', `${service}.pid`),
    };
    const services = new PrivateServices(config, env, ctx, home);
    // What a run of the same name left behind (killed before its stop()) goes first.
    await services.stop();
    rmSync(home, { recursive: true, force: true });
    await services.up(['kafka', 'redis']);
    return services;
  }

  /** Where the service keeps its data (Redis: its append-only file under appendonlydir/). */
  dataDir(service: PrivateServiceName): string {
    return this.ctx.dataDir(service);
  }

  logFile(service: PrivateServiceName): string {
    return this.ctx.logFile(service);
  }

  /** Starts what is not running and waits until it answers. */
  async up(names: readonly PrivateServiceName[]): Promise<void> {
    const states = await up(
      this.ctx,
      names.map((n) => DEFINITIONS[n]),
    );
    const failed = states.filter((s) => s.state === 'failed');
    if (failed.length > 0)
      throw new Error(failed.map((s) => `${s.service.name}: ${s.detail ?? 'failed'}`).join('; '));
  }

  /** Kills the service with `signal` and waits until its process is gone. */
  async kill(name: PrivateServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const pid = DEFINITIONS[name].pid(this.ctx);
    if (pid === undefined) throw new Error(`the fault run's ${name} is not running`);
    process.kill(pid, signal);
    const deadline = Date.now() + 60_000;
    const { host, port } = DEFINITIONS[name].endpoint(this.ctx);
    // A JVM's sockets can outlive the moment its pid looks gone; the restart needs the port free.
    while (isAlive(pid) || (await portOpen(host, port))) {
      if (Date.now() > deadline)
        throw new Error(`${name} (pid ${pid}) did not exit after ${signal}`);
      await sleep(50);
    }
  }

  /** Kills both (SIGKILL) and removes their data; the logs stay for a failed run to read. */
  async stop(): Promise<void> {
    for (const name of Object.keys(DEFINITIONS) as PrivateServiceName[]) {
      const pid = DEFINITIONS[name].pid(this.ctx);
      if (pid !== undefined) {
        process.kill(pid, 'SIGKILL');
        while (isAlive(pid)) await sleep(50);
      }
    }
    rmSync(join(this.home, 'data'), { recursive: true, force: true });
  }
}
