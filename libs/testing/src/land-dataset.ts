import type { AmatoEvent } from '@amato/contracts';
import { type Dataset, publish } from '@amato/generator';
import { Sink, sinkGroups, storeCounts } from '@amato/sink';
import { StreamRunner } from '@amato/stream';
import type { OwnWorld } from './own-world';
import { waitFor } from './wait-for';

/**
 * Publishes a generated dataset to a world's topics and lands it in its stores with the sink's
 * handler (in this process), until every table and collection holds the expected rows. For
 * tests of what reads the stores (the batch), which need the data and not the stream.
 * `only` lands a part: the events it keeps, waiting for the tables it names.
 */
export async function landDataset(
  world: OwnWorld,
  dataset: Dataset,
  {
    timeoutMs = 180_000,
    only,
    extra,
  }: {
    timeoutMs?: number;
    only?: { readonly keep: (event: AmatoEvent) => boolean; readonly tables: readonly string[] };
    /** Events of the test's own after the data set's, and the rows they add per table. */
    extra?: { readonly events: readonly AmatoEvent[]; readonly rows: Record<string, number> };
  } = {},
): Promise<Record<string, number> | undefined> {
  const sink = new Sink(world.mysql, world.postgres, world.mongo, {
    targets: world.targets,
    parentWaitMs: 30_000,
  });
  const runner = new StreamRunner(
    world.kafka,
    {
      service: 'sink',
      topics: world.topics,
      groups: sinkGroups(`${world.name}.sink`),
      partitionsConcurrently: 3,
    },
    () => sink.handle,
  );
  await runner.start();
  try {
    const events = only ? filtered(dataset.events(), only.keep) : dataset.events();
    await publish(events, world.topics, world.kafka, { batchSize: 5000 });
    if (extra) await publish(extra.events, world.topics, world.kafka, { batchSize: 5000 });
    const all: Record<string, number> = { ...dataset.expected };
    for (const [table, n] of Object.entries(extra?.rows ?? {})) all[table] = (all[table] ?? 0) + n;
    const expected = only ? Object.fromEntries(only.tables.map((t) => [t, all[t] ?? 0])) : all;
    // The sink does not write segments; the models do.
    delete expected.customer_segments;
    return await waitFor(
      'the dataset to land in every store',
      // A busy local Mongo server may answer a count late: that look is skipped, not fatal.
      () => storeCounts(world.stores, world.targets).catch(() => undefined),
      (counts) =>
        counts !== undefined && Object.entries(expected).every(([table, n]) => counts[table] === n),
      { timeoutMs, intervalMs: 500 },
    );
  } finally {
    await runner.stop();
  }
}

function* filtered(
  events: Iterable<AmatoEvent>,
  keep: (event: AmatoEvent) => boolean,
): Iterable<AmatoEvent> {
  for (const e of events) if (keep(e)) yield e;
}
