import { Registry } from 'prom-client';
import type { KafkaRecord, RecordBatch } from '@amato/kafka';
import { ConsumerMetrics, lagAfter } from './consumer-metrics';

function batchOf(offsets: readonly number[], highWatermark: number, partition = 0): RecordBatch {
  const records: KafkaRecord[] = offsets.map((offset) => ({
    key: null,
    value: Buffer.from('{}'),
    headers: {},
    offset: String(offset),
    timestamp: '0',
  }));
  return { topic: 't', partition, records, highWatermark: String(highWatermark) };
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
    expect(lagAfter(batchOf([10, 11, 12], 13))).toBe(0);
    expect(lagAfter(batchOf([10, 11, 12], 20))).toBe(7);
  });

  it('is 0 for an empty batch and never negative', () => {
    expect(lagAfter(batchOf([], 5))).toBe(0);
    expect(lagAfter(batchOf([7], 3))).toBe(0);
  });
});

describe('ConsumerMetrics', () => {
  it('counts records and sets the lag of a handled batch', async () => {
    const registry = new Registry();
    const handled: RecordBatch[] = [];
    const handler = new ConsumerMetrics(registry).instrument('g1', (b) => {
      handled.push(b);
      return Promise.resolve();
    });
    await handler(batchOf([0, 1, 2], 10, 2));
    await handler(batchOf([3, 4], 10, 2));

    expect(handled).toHaveLength(2);
    expect(await value(registry, 'amato_consumer_records_total', { group: 'g1' })).toBe(5);
    expect(await value(registry, 'amato_consumer_lag_records', { partition: '2' })).toBe(5);
    expect(await registry.metrics()).toContain(
      'amato_consumer_batch_records_count{group="g1",topic="t"} 2',
    );
  });

  it('counts a failed batch, rethrows its error and does not count its records', async () => {
    const registry = new Registry();
    const failing = new ConsumerMetrics(registry).instrument('g2', () =>
      Promise.reject(new Error('store down')),
    );
    await expect(failing(batchOf([0, 1], 2))).rejects.toThrow('store down');
    expect(await value(registry, 'amato_consumer_batch_failures_total', { group: 'g2' })).toBe(1);
    expect(await value(registry, 'amato_consumer_records_total', { group: 'g2' })).toBeUndefined();
  });
});
