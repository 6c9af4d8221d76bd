import 'reflect-metadata';
import { checkParity } from '@amato/batch';
import {
  createLogger,
  exitOnFailure,
  parseCommandLine,
  setLogLevel,
  UsageError,
} from '@amato/common';
import { loadConfig } from '@amato/config';
import { FeatureStore } from '@amato/features';
import { RedisService } from '@amato/redis';
import { TrinoService } from '@amato/trino';

const HELP = `amato parity: online features (Redis) against offline features (the batch), per customer.

usage: ./amato parity [--as-of TIME] [--limit N]

Derives every customer's features as of --as-of (default: the cutoff of the last successful
batch run) from the aggregates the batch computed (<batch.analyticsSchema>.customer_aggregates)
and from those the stream processor keeps in Redis, with the same code, and names each customer
and feature on which they differ (at most --limit lines, default 20). Exit 0 when they agree
for every customer, 1 when not. Meaningful once the processor has caught up and no event is
newer than the batch's cutoff.

Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

const logger = createLogger('parity');

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseCommandLine({
    args: [...argv],
    options: {
      'as-of': { type: 'string' },
      limit: { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0)
    throw new UsageError(`--limit must be a whole number, got "${values.limit}"`);
  const config = loadConfig();
  setLogLevel(config.log.level);
  const trino = new TrinoService(config.trino);
  const redis = new RedisService(config.redis);
  try {
    await Promise.all([trino.connect(), redis.connect()]);
    const schema = `${config.trino.catalogs.postgresql}.${config.batch.analyticsSchema}`;
    let asOf: Date;
    if (values['as-of'] === undefined) {
      const [last] = await trino.query<{ as_of: string }>(
        `SELECT CAST(as_of AS varchar) AS as_of FROM ${config.trino.catalogs.postgresql}.${config.postgres.schema}.batch_runs
         WHERE status = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
      );
      if (!last) throw new UsageError('no successful batch run yet: run ./amato batch first');
      asOf = new Date(last.as_of.replace(' ', 'T').replace(' UTC', 'Z'));
    } else {
      asOf = new Date(values['as-of']);
      if (Number.isNaN(asOf.getTime()))
        throw new UsageError(`--as-of must be an ISO 8601 time, got "${values['as-of']}"`);
    }
    const store = new FeatureStore(redis.client, {
      keyPrefix: config.features.keyPrefix,
      dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
      sessionTtlSeconds: config.features.sessionTtlHours * 3600,
    });
    const report = await checkParity(trino, store, schema, asOf);
    const customersOff = new Set(report.mismatches.map((m) => m.customerId)).size;
    console.log(
      `parity as of ${report.asOf}: ${report.customers.toLocaleString('en')} customers, ` +
        `${report.mismatches.length.toLocaleString('en')} mismatches in ${customersOff.toLocaleString('en')} customers`,
    );
    for (const m of report.mismatches.slice(0, limit))
      console.log(
        `  ${m.customerId} ${m.feature}: offline ${String(m.offline)}, online ${String(m.online)}`,
      );
    if (report.mismatches.length > 0) process.exitCode = 1;
  } finally {
    await redis.close();
  }
}

if (require.main === module) main(process.argv.slice(2)).catch(exitOnFailure('parity', logger));
