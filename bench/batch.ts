/**
 * The batch on the real stack: a generated dataset landed in scratch databases (through the
 * sink's handler), then every step of sql/ through Trino, timed per step, with the rows it
 * produced and the store rows it read per second; then one aggregation (the sales per customer
 * that RFM starts from) through Trino and directly in MySQL, and one (campaign totals) through
 * Trino and directly in PostgreSQL, so Trino's overhead is a ratio measured in the same run.
 * A fixed CPU loop is timed before and after: this VM's speed varies from minute to minute.
 *
 *   npx tsx bench/batch.ts [--scale 0.1] [--keep] [--reuse NAME]
 *
 * --keep leaves the scratch world (its name is printed) so --reuse NAME can time the batch
 * again without landing the data again (landing the reference set, --scale 1, takes minutes).
 * Needs the stack (./amato stack up).
 */
import { parseArgs } from 'node:util';
import { BatchRunner, batchSteps } from '@amato/batch';
import { setLogLevel } from '@amato/common';
import { Dataset } from '@amato/generator';
import { storeCounts } from '@amato/sink';
import { landDataset, ownWorld, testConfig } from '@amato/testing';
import { TrinoService } from '@amato/trino';
import { count, cpuCheckMs, printTable } from './support/report';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.1' },
    keep: { type: 'boolean' },
    reuse: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/batch.ts [--scale 0.1] [--keep] [--reuse NAME]');
  process.exit(0);
}
const scale = Number(values.scale);
if (!(scale >= 0.01 && scale <= 10)) {
  console.error(`--scale must be between 0.01 and 10, got "${values.scale}"`);
  process.exit(2);
}

/** Best of three: the least that this query takes here now. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

async function main(): Promise<void> {
  setLogLevel('error');
  const cpuBefore = cpuCheckMs();
  const world = ownWorld('bench_batch', values.reuse);
  const { name, mysql, postgres } = world;
  const config = testConfig({
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
  });
  const end = new Date('2026-01-01T00:00:00Z');
  const asOf = new Date('2026-01-02T00:00:00Z');
  await world.setUp();
  let landSeconds = Number.NaN;
  if (!values.reuse) {
    const started = performance.now();
    await landDataset(world, new Dataset({ seed: 42, scale, end }), { timeoutMs: 3_600_000 });
    landSeconds = (performance.now() - started) / 1000;
  }
  const stored = await storeCounts(world.stores, world.targets);
  const storeRows = Object.values(stored).reduce((a, b) => a + b, 0);

  const trino = new TrinoService(config.trino);
  const analytics = `a_${name}`;
  const run = await new BatchRunner(trino, postgres, config).run(
    batchSteps(trino, postgres, config.batch),
    {
      asOf,
      analyticsSchema: analytics,
    },
  );
  const batchSeconds = run.steps.reduce((s, step) => s + step.seconds, 0);

  const { mysql: my, postgresql: pg } = config.trino.catalogs;
  const salesSql = (from: string) =>
    `SELECT COUNT(*) AS n FROM (SELECT customer_id, COUNT(*) AS f, SUM(total_amount) AS m,
       MAX(transaction_date) AS last_order FROM ${from}.transactions
       WHERE order_status IN ('completed', 'shipped', 'delivered') GROUP BY customer_id) x`;
  const campaignSql = (from: string) =>
    `SELECT COUNT(*) AS n FROM (SELECT campaign_id, SUM(impressions) AS i, SUM(clicks) AS c,
       SUM(spend) AS s, SUM(revenue) AS r FROM ${from}.campaign_performance GROUP BY campaign_id) x`;
  const salesTrino = await timed(() => trino.query(salesSql(`${my}.${name}`)));
  const salesMysql = await timed(() => mysql.query(salesSql(`\`${name}\``)));
  const campaignsTrino = await timed(() => trino.query(campaignSql(`${pg}.${name}`)));
  const campaignsPostgres = await timed(() => postgres.query(campaignSql(name)));
  const cpuAfter = cpuCheckMs();

  printTable(
    `batch: sql/ through Trino (${values.reuse ? 'data as landed before' : `scale ${scale}`}, world ${name})`,
    [
      ['store rows (all tables and collections)', count(storeRows)],
      [
        'landing through the sink (s)',
        Number.isNaN(landSeconds) ? 'reused' : landSeconds.toFixed(1),
      ],
      ...run.steps.map((s): [string, string] => [
        `  ${s.step} (s) / rows produced`,
        `${s.seconds.toFixed(1)} / ${count(Object.values(s.tables).reduce((a, b) => a + b, 0))}`,
      ]),
      ['whole batch (s)', batchSeconds.toFixed(1)],
      ['store rows read per second (whole batch)', count(storeRows / batchSeconds)],
      ['target: the reference volume in under (s)', '120'],
      [
        'sales per customer: Trino / MySQL directly (s)',
        `${salesTrino.toFixed(3)} / ${salesMysql.toFixed(3)}`,
      ],
      ['  Trino overhead (ratio)', (salesTrino / salesMysql).toFixed(1)],
      [
        'campaign totals: Trino / PostgreSQL directly (s)',
        `${campaignsTrino.toFixed(3)} / ${campaignsPostgres.toFixed(3)}`,
      ],
      ['  Trino overhead (ratio)', (campaignsTrino / campaignsPostgres).toFixed(1)],
      [
        'CPU check, fixed loop before / after (ms)',
        `${cpuBefore.toFixed(0)} / ${cpuAfter.toFixed(0)}`,
      ],
    ],
  );
  if (values.keep || values.reuse) {
    console.log(
      `\nkept: rerun with --reuse ${name}; the analytics of this run are in ${analytics}`,
    );
  } else {
    await postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`);
    await world.tearDown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
