import { Registry } from 'prom-client';
import { ConsumerMetrics, type HandledBatch, lagAfter } from './consumer-metrics';

function batchOf(
  records: number,
  lastOffset: number,
  highWatermark: number,
  partition = 0,
): HandledBatch {
  return {
    groupId: 'g1',
    topic: 't',
    partition,
    records,
    lastOffset: String(lastOffset),
    highWatermark: String(highWatermark),
  };
}

async function value(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  );
  return match?.value;
}

describe('lagAfter', () => {
  it('counts the records between the batch and the high watermark', () => {
    expect(lagAfter(batchOf(3, 12, 13))).toBe(0);
    expect(lagAfter(batchOf(3, 12, 20))).toBe(7);
  });

  it('is never negative', () => {
    expect(lagAfter(batchOf(1, 7, 3))).toBe(0);
  });
});

describe(ConsumerMetrics.name, () => {
  it('counts records and sets the lag of a handled batch', async () => {
    const registry = new Registry();
    const metrics = new ConsumerMetrics(registry);
    metrics.begin(batchOf(3, 2, 10, 2))(true);
    metrics.begin(batchOf(2, 4, 10, 2))(true);

    expect(await value(registry, 'amato_consumer_records_total', { group: 'g1' })).toBe(5);
    expect(await value(registry, 'amato_consumer_lag_records', { partition: '2' })).toBe(5);
    expect(await registry.metrics()).toContain(
      'amato_consumer_batch_records_count{group="g1",topic="t"} 2',
    );
  });

  it('counts a failed handling and not its records', async () => {
    const registry = new Registry();
    new ConsumerMetrics(registry).begin(batchOf(2, 1, 2))(false);
    expect(await value(registry, 'amato_consumer_batch_failures_total', { group: 'g1' })).toBe(1);
    expect(await value(registry, 'amato_consumer_records_total', { group: 'g1' })).toBeUndefined();
  });
});
