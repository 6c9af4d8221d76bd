import { type Dataset, publish } from '@amato/generator';
import { Sink, sinkGroups, storeCounts } from '@amato/sink';
import { StreamRunner } from '@amato/stream';
import type { OwnWorld } from './own-world';
import { waitFor } from './wait-for';

/**
 * Publishes a generated dataset to a world's topics and lands it in its stores with the sink's
 * handler (in this process), until every table and collection holds the expected rows. For
 * tests of what reads the stores (the batch), which need the data and not the stream.
 */
export async function landDataset(
  world: OwnWorld,
  dataset: Dataset,
  { timeoutMs = 180_000 }: { timeoutMs?: number } = {},
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
    await publish(dataset.events(), world.topics, world.kafka, { batchSize: 5000 });
    const expected: Record<string, number> = { ...dataset.expected };
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
