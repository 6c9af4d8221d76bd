import { BatchRunner, batchSteps } from '@amato/batch';
import { setLogLevel } from '@amato/common';
import { type AmatoEvent, createEvent } from '@amato/contracts';
import { Dataset } from '@amato/generator';
import { storeCounts } from '@amato/sink';
import { landDataset, ownWorld, testConfig, validPayloads } from '@amato/testing';
import { TrinoService } from '@amato/trino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApi } from '../apps/api/src/main';

/** What an attacker types into a filter or a form, for SQL, MongoDB and our own SQL templates. */
const INJECTIONS = [
  "' OR '1'='1",
  "x'; DROP TABLE customers; --",
  '" OR ""="',
  '1; SELECT pg_sleep(3); --',
  "' UNION SELECT NULL, version() --",
  "\\'; DROP TABLE customers; --",
  "Robert'); DROP TABLE transactions;--",
  "%' OR 1=1 --",
  '{"$ne": null}',
  '{"$where": "sleep(3000)"}',
  '${mysql}.customers',
  '/**/OR/**/1=1',
] as const;

/** A value of no special meaning: the answer every injection must get, but for its echo. */
const INERT = 'zzinertzz';

interface Operation {
  readonly path: string;
  readonly params: readonly { name: string; in: 'path' | 'query'; schema: { type?: string } }[];
}

/**
 * Every query is parameterised, on the way in and on the way out. Injection strings in the
 * text fields of customers (MySQL) and searches (MongoDB) land verbatim and pass through the
 * batch; then every text parameter of every read operation of the API (from its own OpenAPI
 * document) gets each of them, and must be answered exactly as a harmless value is (the same
 * status and, but for the echoed value, the same body) or refused with a 400 naming the
 * parameter; no table is lost.
 */
describe('injection strings', () => {
  const world = ownWorld('inject');
  const { name, mysql, mongo } = world;
  const config = testConfig({
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
  });
  const analytics = `a_${name}`;
  const trino = new TrinoService(config.trino);
  const headers = { 'x-api-key': 'injection-test-key' };
  const dataset = new Dataset({ seed: 3, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
  let api: NestFastifyApplication;

  const customerId = (i: number) => `CUST_99${String(i).padStart(4, '0')}`;
  const events: AmatoEvent[] = INJECTIONS.flatMap((text, i) => [
    createEvent(
      'customer.created',
      {
        ...validPayloads['customer.created'](),
        customer_id: customerId(i),
        email: `inject${i}@example.com`,
        first_name: text,
        last_name: text,
        city: text,
      },
      '2025-06-01T10:00:00Z',
    ) as AmatoEvent,
    createEvent(
      'search.performed',
      {
        ...validPayloads['search.performed'](),
        session_id: `SESS_99${String(i).padStart(8, '0')}`,
        query: text,
      },
      '2025-06-01T10:05:00Z',
    ) as AmatoEvent,
  ]);

  beforeAll(async () => {
    setLogLevel('fatal');
    await world.setUp();
    await landDataset(world, dataset, {
      extra: {
        events,
        rows: {
          customers: INJECTIONS.length,
          customer_demographics: INJECTIONS.length,
          search_queries: INJECTIONS.length,
        },
      },
    });
    const run = await new BatchRunner(trino, world.postgres, config).run(
      batchSteps(trino, world.postgres, config.batch),
      { asOf: new Date('2026-01-02T00:00:00Z'), analyticsSchema: analytics },
    );
    expect(run.status).toBe('succeeded');
    api = await createApi({
      ...config,
      api: { ...config.api, apiKeys: [headers['x-api-key']] },
      batch: { ...config.batch, analyticsSchema: analytics },
    });
    await api.init();
    await api.getHttpAdapter().getInstance().ready();
  }, 300_000);

  afterAll(async () => {
    await api.close();
    await world.postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`).catch(() => undefined);
    await world.tearDown();
  });

  it('lands every injection string verbatim in MySQL and MongoDB', async () => {
    for (const [i, text] of INJECTIONS.entries()) {
      const [row] = await mysql.query<{ first_name: string; last_name: string; city: string }>(
        `SELECT first_name, last_name, city FROM \`${name}\`.customers WHERE customer_id = ?`,
        [customerId(i)],
      );
      expect(row).toEqual({ first_name: text, last_name: text, city: text });
    }
    const queries = await mongo
      .db(name)
      .collection('search_queries')
      .find({ session_id: { $regex: '^SESS_99' } })
      .toArray();
    expect(queries.map((q) => q.query as string).sort()).toEqual([...INJECTIONS].sort());
  });

  it('answers every text parameter of every read operation as it answers a harmless value', async () => {
    const before = await storeCounts(world.stores, world.targets);
    const doc = (await api.inject({ method: 'GET', url: '/docs/openapi.json' })).json<{
      paths: Record<string, Record<string, { parameters?: Operation['params'] }>>;
    }>();
    const operations: Operation[] = Object.entries(doc.paths)
      .filter(([path, ops]) => ops.get !== undefined && path !== '/predictions/live')
      .map(([path, ops]) => ({ path, params: ops.get?.parameters ?? [] }));
    const probe = async (op: Operation, param: string, value: string) => {
      // Every other parameter gets a plausible value: a customer that exists, no query.
      let url = op.path.replace(/\{(\w+)\}/g, (_, p: string) =>
        p === param ? encodeURIComponent(value) : p === 'customerId' ? 'CUST_000001' : 'x',
      );
      if (op.params.some((p) => p.in === 'query' && p.name === param))
        url += `?${param}=${encodeURIComponent(value)}`;
      const started = Date.now();
      const r = await api.inject({ method: 'GET', url, headers });
      return { status: r.statusCode, body: r.body, ms: Date.now() - started };
    };

    let probed = 0;
    let refused = 0;
    for (const op of operations) {
      for (const param of op.params.filter((p) => p.schema.type !== 'integer')) {
        const inert = await probe(op, param.name, INERT);
        for (const text of INJECTIONS) {
          const got = await probe(op, param.name, text);
          const where = `${op.path} ${param.in} ${param.name}=${text}`;
          expect(got.status).toBeLessThan(500);
          if (got.status !== inert.status) {
            // Refusing it is the other right answer, saying which parameter is wrong.
            expect({ where, status: got.status }).toEqual({ where, status: 400 });
            expect(JSON.parse(got.body)).toMatchObject({
              message: expect.stringContaining(param.name),
            });
            refused += 1;
          } else if (got.status === 200) {
            // The body must be the harmless value's, once the echoed value is put back.
            const echoed = [JSON.stringify(text).slice(1, -1), text];
            let body = got.body;
            for (const e of echoed) body = body.split(e).join(INERT);
            expect({ where, body }).toEqual({ where, body: inert.body });
          }
          // No sleep ran.
          expect(got.ms).toBeLessThan(2500);
          probed += 1;
        }
      }
    }
    expect(probed).toBeGreaterThanOrEqual(INJECTIONS.length * 10);
    process.stdout.write(`${probed} injection probes, ${refused} refused as invalid input\n`);
    expect(await storeCounts(world.stores, world.targets)).toEqual(before);
  }, 300_000);
});
