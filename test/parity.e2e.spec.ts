import type { INestMicroservice } from '@nestjs/common';
import { BatchRunner, checkParity, loadScripts } from '@amato/batch';
import { FEATURE_STREAMS, FeatureStore } from '@amato/features';
import { Dataset } from '@amato/generator';
import { RedisService } from '@amato/redis';
import { createStreamService } from '@amato/stream';
import { landDataset, ownWorld, testConfig, waitUntilCaughtUp } from '@amato/testing';
import { TrinoService } from '@amato/trino';
import { processorService } from '../apps/processor/src/processor.service';

/**
 * One feature specification, two implementations: the processor's aggregates in Redis and the
 * batch's in SQL, over the same generated events, give every customer the same features as of
 * the same moment; one altered value is named by customer and feature.
 */
describe('online and offline features', () => {
  const world = ownWorld('parity');
  const { name, topics, kafka, postgres } = world;
  const config = testConfig({
    AMATO_KAFKA__TOPIC_PREFIX: name,
    AMATO_FEATURES__KEY_PREFIX: name,
    AMATO_PROCESSOR__GROUP_ID: `${name}.processor`,
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
  });
  const trino = new TrinoService(config.trino);
  const redis = new RedisService(config.redis);
  const store = new FeatureStore(redis.client, {
    keyPrefix: name,
    dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
    sessionTtlSeconds: config.features.sessionTtlHours * 3600,
  });
  const analytics = `a_${name}`;
  const results = `${config.trino.catalogs.postgresql}.${analytics}`;
  const asOf = new Date('2026-01-03T00:00:00Z');
  let processor: INestMicroservice;

  beforeAll(async () => {
    await Promise.all([world.setUp(), redis.connect()]);
    processor = await createStreamService(processorService, config);
    await processor.listen();
    await landDataset(
      world,
      new Dataset({ seed: 23, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') }),
    );
    await waitUntilCaughtUp(
      kafka,
      `${name}.processor`,
      FEATURE_STREAMS.map((s) => topics[s]),
      120_000,
    );
    const steps = loadScripts('sql').filter((s) => /^0[1246]_/.test(s.name));
    await new BatchRunner(trino, postgres, config).run(steps, { asOf, analyticsSchema: analytics });
  }, 300_000);

  afterAll(async () => {
    await processor.close();
    await postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`).catch(() => undefined);
    const keys = redis.client.scanStream({ match: `${name}:*`, count: 1000 });
    for await (const batch of keys as AsyncIterable<string[]>)
      if (batch.length > 0) await redis.client.unlink(...batch);
    await redis.close();
    await world.tearDown();
  });

  it('agree for every customer', async () => {
    const report = await checkParity(trino, store, results, asOf);
    expect(report.customers).toBeGreaterThan(50);
    expect(report.mismatches.slice(0, 10)).toEqual([]);
  }, 60_000);

  it('name the customer and the feature when one value differs', async () => {
    const report = await checkParity(trino, store, results, asOf);
    const [first] = [
      ...(await trino.query<{ customer_id: string }>(
        `SELECT customer_id FROM ${results}.customer_aggregates WHERE page_views > 0 ORDER BY customer_id LIMIT 1`,
      )),
    ];
    const id = first?.customer_id ?? '';
    expect(report.mismatches).toEqual([]);
    // One more page view online for one customer.
    await redis.client.hincrby(`${name}:c:{${id}}`, 'pv', 1);
    const altered = await checkParity(trino, store, results, asOf);
    expect(new Set(altered.mismatches.map((m) => m.customerId))).toEqual(new Set([id]));
    expect(altered.mismatches.map((m) => m.feature)).toContain('total_page_views');
    await redis.client.hincrby(`${name}:c:{${id}}`, 'pv', -1);
  }, 60_000);
});
