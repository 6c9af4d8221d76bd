import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setLogLevel } from '@amato/common';
import type { AmatoEvent } from '@amato/contracts';
import { FEATURE_STREAMS, onFeatureStream } from '@amato/features';
import { Dataset, publish } from '@amato/generator';
import {
  comparableAggregates,
  oracleAggregates,
  ownStream,
  type OwnStream,
  ServiceProcesses,
  stopWith,
  waitUntilCaughtUp,
} from '@amato/testing';
import { PrivateServices } from './faults/private-services';

const root = resolve(__dirname, '..');

/**
 * Redis losing writes the processor had committed (a restore from an older copy of its
 * append-only file, the worst a crash can do) and the way back: `./amato replay` moves the
 * processor's group back and the processor re-reads Kafka, skipping what Redis still holds
 * and applying what it lost, once. `--rebuild` does the same from nothing.
 */
describe('the processor after Redis lost writes', () => {
  let services: PrivateServices;
  let world: OwnStream;
  const processes = new ServiceProcesses();
  const feature = () => FEATURE_STREAMS.map((s) => world.topics[s]);
  const env = () => ({
    ...services.env,
    AMATO_KAFKA__TOPIC_PREFIX: world.name,
    AMATO_FEATURES__KEY_PREFIX: world.name,
    AMATO_PROCESSOR__GROUP_ID: `${world.name}.processor`,
  });
  const replay = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'apps/processor/src/replay.ts', ...args], {
      cwd: root,
      env: { ...process.env, AMATO_LOG__LEVEL: 'error', ...env() },
      encoding: 'utf8',
    });
  /** Runs the processor until it has committed everything, then stops it. */
  const processAll = async () => {
    const child = processes.start('apps/processor/src/main.ts', {
      ...env(),
      AMATO_PROCESSOR__METRICS_PORT: '0',
    });
    await waitUntilCaughtUp(world.kafka, `${world.name}.processor`, feature(), 120_000);
    expect(await stopWith(child, 'SIGTERM')).toBe(0);
  };
  const differing = async (events: readonly AmatoEvent[]) => {
    const wrong: string[] = [];
    for (const [customerId, want] of oracleAggregates(events)) {
      const got = comparableAggregates(await world.store.read(customerId));
      if (JSON.stringify(got) !== JSON.stringify(comparableAggregates(want)))
        wrong.push(customerId);
    }
    return wrong;
  };

  beforeAll(async () => {
    setLogLevel('fatal');
    services = await PrivateServices.start('recovery');
    world = ownStream('recovery', services.config);
    await world.setUp();
  }, 120_000);

  afterAll(async () => {
    processes.killAll();
    await world.tearDown().catch(() => undefined);
    await services.stop();
  });

  it('replays from a time: what Redis kept is skipped, what it lost is applied once', async () => {
    const events = [
      ...new Dataset({ seed: 17, scale: 0.01, end: new Date('2026-01-01') }).events(),
    ];
    const cut = Math.floor(events.length * 0.6);
    const since = new Date(Date.now() - 1000).toISOString();
    await publish(events.slice(0, cut), world.topics, world.kafka, { batchSize: 2000 });
    await processAll();

    // A copy of Redis's append-only file now; then the rest of the events.
    const aof = join(services.dataDir('redis'), 'appendonlydir');
    const copy = `${aof}.copy`;
    cpSync(aof, copy, { recursive: true });
    await publish(events.slice(cut), world.topics, world.kafka, { batchSize: 2000 });
    await processAll();
    expect(await differing(events)).toEqual([]);

    // Redis comes back from the copy: everything after it is gone, though Kafka has it committed.
    await services.kill('redis');
    rmSync(aof, { recursive: true });
    cpSync(copy, aof, { recursive: true });
    await services.up(['redis']);
    expect((await differing(events)).length).toBeGreaterThan(0);

    // Refused while the processor runs: Kafka would not move a live group.
    const running = processes.start('apps/processor/src/main.ts', {
      ...env(),
      AMATO_PROCESSOR__METRICS_PORT: '0',
    });
    let refused = replay('--since', since);
    for (let i = 0; i < 30 && !refused.stderr.includes('running'); i++) {
      await sleep(1000);
      refused = replay('--since', since);
    }
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/has 1 member\(s\) running: stop the processor first/);
    await stopWith(running, 'SIGTERM');

    // Every event is read again: the first 60 % are in Redis and skipped, the rest applied.
    const moved = replay('--since', since);
    expect(moved.stderr).toBe('');
    expect(moved.status).toBe(0);
    const featureEvents = events.filter(onFeatureStream).length;
    expect(moved.stdout).toContain(
      `moved ${world.name}.processor back: ${featureEvents} records will be read again`,
    );
    await processAll();
    expect(await differing(events)).toEqual([]);
  }, 300_000);

  it('rebuilds from the topics into an empty Redis, and refuses to over a full one', async () => {
    const full = replay('--rebuild');
    expect(full.status).toBe(2);
    expect(full.stderr).toMatch(/still holds keys under recovery_[0-9a-f]+:/);

    const events = [
      ...new Dataset({ seed: 17, scale: 0.01, end: new Date('2026-01-01') }).events(),
    ];
    const scan = world.redis.client.scanStream({ match: `${world.name}:*`, count: 1000 });
    for await (const keys of scan as AsyncIterable<string[]>)
      if (keys.length > 0) await world.redis.client.unlink(...keys);
    const dry = replay('--rebuild', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/dry run: \d+ records would be read again; nothing moved/);
    expect(replay('--rebuild').status).toBe(0);
    await processAll();
    expect(await differing(events)).toEqual([]);
  }, 300_000);
});
