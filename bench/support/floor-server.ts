/**
 * The least a feature read can cost on this machine: a bare Fastify server whose route
 * GET /customers/:id/features answers with the customer's hash (one HGETALL) and nothing
 * else: no NestJS, no auth, no metrics, no feature derivation. POST /segment/customer and
 * /segment/batch parse the body and answer a fixed segment: the floor of bench/models.ts.
 * POST /forecast/revenue reads the customers named (one pipeline of HGETALL) and answers zeros,
 * POST /campaign/optimize answers a fixed split: the floors of bench/forecasts.ts.
 * bench/processor.ts measures it
 * with the same client and schedule as the real API, so the gap between the two is the API's
 * own cost and the rest is the machine's.
 *
 *   node --import tsx bench/support/floor-server.ts --port 3999 --prefix amato
 *
 * Redis from the config (config/, AMATO_REDIS__*), like the API.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { loadConfig } from '@amato/config';
import { RedisService } from '@amato/redis';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    prefix: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || values.port === undefined || values.prefix === undefined) {
  console.log(
    'usage: node --import tsx bench/support/floor-server.ts --port <port> --prefix <key prefix>\n' +
      '  --port    where to listen (127.0.0.1)\n' +
      '  --prefix  the feature key prefix to read, as features.keyPrefix',
  );
  process.exit(values.help ? 0 : 2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port must be a port number, got "${values.port}"`);
  process.exit(2);
}
const prefix = values.prefix;

async function main(): Promise<void> {
  const config = loadConfig({ configDir: resolve(__dirname, '../../config') });
  const redis = await new RedisService(config.redis).connect();
  const app = Fastify({ bodyLimit: 32 * 1024 * 1024 });
  app.get<{ Params: { id: string } }>('/customers/:id/features', async (request, reply) => {
    const hash = await redis.client.hgetall(`${prefix}:c:{${request.params.id}}`);
    if (Object.keys(hash).length === 0) return reply.code(404).send({ error: 'unknown customer' });
    return hash;
  });
  // The floor of a segment request: the same JSON body parsed, a fixed answer, nothing else.
  app.post('/segment/:kind', (request) => {
    const body = request.body as { customers?: unknown[] };
    return Array.isArray(body.customers)
      ? { results: body.customers.map(() => ({ segment: 0 })) }
      : { segment: 0 };
  });
  // The floor of a customer forecast: the body parsed, every named customer's hash read in one
  // pipeline (what the API must read), a fixed answer.
  app.post('/forecast/revenue', async (request) => {
    const body = request.body as { customer_ids?: string[]; customers?: unknown[] };
    if (Array.isArray(body.customer_ids)) {
      const pipeline = redis.client.pipeline();
      for (const id of body.customer_ids) pipeline.hgetall(`${prefix}:c:{${id}}`);
      await pipeline.exec();
      return {
        predictions: body.customer_ids.map((customer_id) => ({ customer_id, expected_revenue: 0 })),
      };
    }
    return { predictions: (body.customers ?? []).map(() => ({ expected_revenue: 0 })) };
  });
  // The floor of an optimisation: the body parsed, a fixed answer.
  app.post('/campaign/optimize', (request) => {
    const body = request.body as { channels?: { channel: string }[] };
    return { allocation: (body.channels ?? []).map((c) => ({ channel: c.channel, spend: 0 })) };
  });
  await app.listen({ port, host: '127.0.0.1' });
  const stop = () => {
    void app.close().then(() => redis.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
