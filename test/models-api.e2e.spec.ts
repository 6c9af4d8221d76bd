import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPostgresSchema } from '@amato/ddl';
import {
  CUSTOMER_REVENUE_FORMAT,
  CAMPAIGN_OUTCOME_FORMAT,
  CAMPAIGN_RESPONSE_FORMAT,
  KmeansModel,
  ModelRegistry,
  REVENUE_FORECAST_FORMAT,
  SEGMENTATION_FEATURES,
  trainKmeans,
} from '@amato/models';
import { PostgresService } from '@amato/postgres';
import { testConfig, uniqueName } from '@amato/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApi } from '../apps/api/src/main';
import { forecastArtifact } from '../libs/models/src/forecast/forecast-factory';

/** Customers in three groups over the 36 features: value, recency and frequency differ. */
function customers(n: number, shift = 0): number[][] {
  const at = (name: string) => SEGMENTATION_FEATURES.indexOf(name as never);
  const groups = [
    { monetary_value: 3000, recency_days: 10, frequency: 8 },
    { monetary_value: 200, recency_days: 300, frequency: 1 },
    { monetary_value: 700, recency_days: 60, frequency: 3 },
  ];
  return Array.from({ length: n }, (_, i) => {
    const g = groups[i % 3] as Record<string, number>;
    return SEGMENTATION_FEATURES.map((name, j) =>
      j === at(name) && name in g
        ? (g[name] ?? 0) * (1 + ((i * 7919) % 13) / 100) + shift
        : (i % 3) + j / 100,
    );
  });
}

const asObject = (vector: readonly number[]) =>
  Object.fromEntries(SEGMENTATION_FEATURES.map((name, j) => [name, vector[j] ?? 0]));

describe('models over HTTP: /models and /segment', () => {
  const config = testConfig();
  const schema = uniqueName('models_api');
  const headers = { 'x-api-key': 'test-key-models-0123456789' };
  let postgres: PostgresService;
  let registry: ModelRegistry;
  let api: NestFastifyApplication;
  const rows = customers(90);

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await api.inject({ method, url, headers, payload: payload as never });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };
  const register = async (vectors: number[][]) => {
    const { artifact, report } = trainKmeans(SEGMENTATION_FEATURES, vectors, {
      ks: [3],
      seed: 1,
      refits: 1,
    });
    return registry.register({
      name: 'kmeans',
      format: artifact.format,
      artifact: Buffer.from(JSON.stringify(artifact)),
      metadata: { features: artifact.features, metrics: report },
    });
  };

  beforeAll(async () => {
    postgres = await new PostgresService(config.postgres).connect();
    await applyPostgresSchema(postgres, schema);
    registry = new ModelRegistry(postgres, schema);
    const v1 = await register(rows);
    await registry.activate('kmeans', v1.version, (v) =>
      KmeansModel.fromArtifact(JSON.parse(v.artifact.toString('utf8')), SEGMENTATION_FEATURES),
    );
    api = await createApi({
      ...config,
      postgres: { ...config.postgres, schema },
      api: { ...config.api, apiKeys: [headers['x-api-key']] },
    });
    await api.init();
    await api.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await api.close();
    await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await postgres.close();
  });

  it('segments a feature vector in the shape marketers know, with the model and version used', async () => {
    const r = await call('POST', '/segment/customer', {
      customer_id: 'CUST_000001',
      features: asObject(rows[0] as number[]),
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      customer_id: 'CUST_000001',
      model_used: 'kmeans',
      model_version: 1,
      segment_type: 'High-Value Recent',
      segment_characteristics: { segment_type: 'High-Value Recent', customer_count: 30 },
    });
    expect(r.body.confidence_score).toBeGreaterThan(0.5);
    expect(Date.parse(String(r.body.inference_timestamp))).not.toBeNaN();
  });

  it('segments a batch in order, and refuses an empty or oversized one', async () => {
    const r = await call('POST', '/segment/batch', {
      customers: rows.slice(0, 6).map((v) => ({ features: asObject(v) })),
    });
    expect(r.status).toBe(200);
    const results = r.body.results as { segment: number }[];
    expect(results).toHaveLength(6);
    expect(results[0]?.segment).toBe(results[3]?.segment);
    expect(results[0]?.segment).not.toBe(results[1]?.segment);
    expect((await call('POST', '/segment/batch', { customers: [] })).status).toBe(400);
    const big = await call('POST', '/segment/batch', {
      customers: Array.from({ length: 10_001 }, () => ({ customer_id: 'CUST_000001' })),
    });
    expect(big.status).toBe(400);
    expect(String(big.body.message)).toMatch(/customers: expected a list of 1 to 10,000 customers/);
  });

  it('says what is wrong with a request, naming the field', async () => {
    const features = asObject(rows[0] as number[]);
    const missing = { ...features } as Record<string, number>;
    delete missing.recency_days;
    const r1 = await call('POST', '/segment/customer', { features: missing });
    expect(r1.status).toBe(400);
    expect(String(r1.body.message)).toMatch(/\/features\/recency_days/);
    const r2 = await call('POST', '/segment/customer', {
      features: { ...features, recency_days: 'soon' },
    });
    expect(String(r2.body.message)).toMatch(
      /\/features\/recency_days: expected a number; got "soon"/,
    );
    const r3 = await call('POST', '/segment/customer', { features, model_type: 'dbscan' });
    expect(String(r3.body.message)).toMatch(/\/model_type: expected kmeans or hdbscan/);
    const r4 = await call('POST', '/segment/customer', {});
    expect(r4).toMatchObject({ status: 400, body: { message: 'give customer_id or features' } });
    const r5 = await call('POST', '/segment/customer', { customer_id: 'CUST_999999' });
    expect(r5.status).toBe(404);
    expect(String(r5.body.message)).toMatch(/no features for CUST_999999/);
  });

  it('says how to get a model that has no active version', async () => {
    const r = await call('POST', '/segment/customer', {
      features: asObject(rows[0] as number[]),
      model_type: 'hdbscan',
    });
    expect(r.status).toBe(409);
    expect(String(r.body.message)).toMatch(
      /model hdbscan has no active version yet: run \.\/amato train/,
    );
  });

  it('lists versions, refuses a corrupt one, and switches to a new one without a restart', async () => {
    const listed = await call('GET', '/models');
    expect(listed.status).toBe(200);
    expect(listed.body.serving).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'kmeans', version: 1 })]),
    );
    const corrupt = await register(rows);
    await postgres.query(
      `UPDATE ${schema}.model_versions SET artifact = convert_to('{"format":"amato.kmeans.v1"}', 'UTF8'),
         artifact_sha256 = encode(sha256(convert_to('{"format":"amato.kmeans.v1"}', 'UTF8')), 'hex')
       WHERE model_name = 'kmeans' AND version = $1`,
      [corrupt.version],
    );
    const refused = await call('POST', `/models/kmeans/versions/${corrupt.version}/activate`);
    expect(refused.status).toBe(422);
    expect(String(refused.body.message)).toMatch(
      new RegExp(`model kmeans: version ${corrupt.version}: field features`),
    );
    expect((await call('POST', '/models/kmeans/versions/99/activate')).status).toBe(404);
    expect((await call('POST', '/models/xgboost/versions/1/activate')).status).toBe(400);

    const next = await register(customers(90, 50));
    const activated = await call('POST', `/models/kmeans/versions/${next.version}/activate`);
    expect(activated).toMatchObject({ status: 200, body: { version: next.version, active: true } });
    const r = await call('POST', '/segment/customer', { features: asObject(rows[0] as number[]) });
    expect(r.body.model_version).toBe(next.version);
  });

  it("forecasts the business's revenue by the active version, for the horizon and level asked", async () => {
    const none = await call('POST', '/forecast/revenue', {});
    expect(none.status).toBe(409);
    expect(String(none.body.message)).toMatch(/model revenue_forecast has no active version yet/);
    const register = (artifact: unknown) =>
      registry.register({
        name: 'revenue_forecast',
        format: REVENUE_FORECAST_FORMAT,
        artifact: Buffer.from(JSON.stringify(artifact)),
        metadata: {},
      });
    // Intervals that do not hold the forecast are refused, and nothing is served.
    const bad = forecastArtifact(60);
    bad.points[5] = { ...(bad.points[5] as (typeof bad.points)[number]), lower_80: 5000 };
    const corrupt = await register(bad);
    const refused = await call(
      'POST',
      `/models/revenue_forecast/versions/${corrupt.version}/activate`,
    );
    expect(refused.status).toBe(422);
    expect(String(refused.body.message)).toMatch(/field points\.5: the intervals are not nested/);

    const good = await register(forecastArtifact(60));
    expect(
      (await call('POST', `/models/revenue_forecast/versions/${good.version}/activate`)).status,
    ).toBe(200);
    const month = await call('POST', '/forecast/revenue', {});
    expect(month).toMatchObject({
      status: 200,
      body: {
        model_used: 'revenue_forecast',
        model_version: good.version,
        cutoff: '2026-01-01',
        horizon_days: 30,
        interval_level: 95,
        total_revenue: 30 * 1000 + (29 * 30) / 2,
      },
    });
    const days = month.body.forecast as Record<string, number | string>[];
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({
      date: '2026-01-02',
      revenue: 1000,
      lower: 800,
      upper: 1200,
      planned_spend: 50,
    });
    const week = await call('POST', '/forecast/revenue', { horizon_days: 7, interval_level: 80 });
    expect(week.body.forecast).toHaveLength(7);
    expect((week.body.forecast as Record<string, number>[])[6]).toMatchObject({
      lower: 906,
      upper: 1106,
    });
    // Out of range, of the version's horizon, or unknown: a 400 that names the field.
    for (const [payload, field] of [
      [{ horizon_days: 75 }, /horizon_days: version \d+ forecasts 60 days after 2026-01-01/],
      [{ horizon_days: 3 }, /horizon_days/],
      [{ horizon_days: 7.5 }, /horizon_days/],
      [{ interval_level: 90 }, /interval_level/],
      [{ level: 80 }, /level/],
    ] as const) {
      const r = await call('POST', '/forecast/revenue', payload);
      expect(r.status).toBe(400);
      expect(String(r.body.message)).toMatch(field);
    }
  });

  it('splits a campaign budget within every limit, with intervals, and predicts campaigns', async () => {
    const fixtures = join(__dirname, '../libs/models/src/campaign/fixtures');
    const body = {
      budget: 30_000,
      days: 10,
      channels: [
        { channel: 'email', max_spend: 2_000 },
        { channel: 'search', min_spend: 5_000 },
        { channel: 'social' },
      ],
    };
    const none = await call('POST', '/campaign/optimize', body);
    expect(none.status).toBe(409);
    expect(String(none.body.message)).toMatch(/model campaign_response has no active version/);
    const curves = await registry.register({
      name: 'campaign_response',
      format: CAMPAIGN_RESPONSE_FORMAT,
      artifact: readFileSync(join(fixtures, 'campaign-response.json')),
      metadata: {},
    });
    const activate = (name: string, version: number) =>
      call('POST', `/models/${name}/versions/${version}/activate`);
    expect((await activate('campaign_response', curves.version)).status).toBe(200);

    // Without an outcome model the split is still made, saying there is none beside it.
    const alone = await call('POST', '/campaign/optimize', body);
    expect(alone.status).toBe(200);
    expect(alone.body.outcome_model_version).toBeNull();

    const outcome = await registry.register({
      name: 'campaign_outcome',
      format: CAMPAIGN_OUTCOME_FORMAT,
      artifact: readFileSync(join(fixtures, 'campaign-outcome.onnx')),
      metadata: {
        model: JSON.parse(readFileSync(join(fixtures, 'campaign-outcome.json'), 'utf8')) as unknown,
      },
    });
    expect((await activate('campaign_outcome', outcome.version)).status).toBe(200);
    const r = await call('POST', '/campaign/optimize', body);
    expect(r).toMatchObject({
      status: 200,
      body: {
        model_used: 'campaign_response',
        model_version: curves.version,
        outcome_model_version: outcome.version,
        days: 10,
        objective: 'revenue',
      },
    });
    const allocation = r.body.allocation as {
      channel: string;
      spend: number;
      daily_spend: number;
      revenue: { expected: number; interval_80: number[]; interval_95: number[] };
      outcome_model: { revenue: number } | null;
    }[];
    expect(allocation.map((a) => a.channel)).toEqual(['email', 'search', 'social']);
    expect(allocation[0]?.spend).toBeLessThanOrEqual(2_000);
    expect(allocation[1]?.spend).toBeGreaterThanOrEqual(5_000);
    expect(allocation.reduce((sum, a) => sum + a.spend, 0)).toBeCloseTo(30_000, 0);
    for (const a of allocation) {
      expect(a.daily_spend).toBeCloseTo(a.spend / 10, 1);
      expect(a.revenue.interval_95[0]).toBeLessThanOrEqual(a.revenue.interval_80[0] ?? NaN);
      expect(a.revenue.interval_80[1]).toBeLessThanOrEqual(a.revenue.interval_95[1] ?? NaN);
      expect(a.outcome_model?.revenue).toBeGreaterThan(0);
    }
    // Every constraint no split can meet, and every bad field: a 400 that names it.
    for (const [payload, message] of [
      [
        { ...body, channels: [{ channel: 'email', min_spend: 40_000 }] },
        /budget: the channels' minimums add up to 40000, more than the budget of 30000/,
      ],
      [
        { ...body, channels: [{ channel: 'tiktok' }] },
        /channels\[0\]\.channel: no response curve for "tiktok"/,
      ],
      [
        { ...body, channels: [{ channel: 'email' }, { channel: 'email' }] },
        /channels\[1\]\.channel: "email" is named twice/,
      ],
      [{ ...body, audiences: ['Whales'] }, /audiences\[0\]: "Whales" is not one/],
      [{ ...body, budget: -1 }, /budget/],
      [{ ...body, days: 0 }, /days/],
      [{ ...body, channels: [] }, /channels/],
      [{ ...body, objective: 'roas!' }, /objective/],
      [{ ...body, channels: [{ channel: 'email', max_spend: 'a lot' }] }, /max_spend/],
    ] as const) {
      const bad = await call('POST', '/campaign/optimize', payload);
      expect({ status: bad.status, message: String(bad.body.message) }).toEqual({
        status: 400,
        message: expect.stringMatching(message) as unknown,
      });
    }

    const campaign = {
      channel: 'search',
      daily_budget: 800,
      duration_days: 14,
      campaign_type: 'seasonal',
    };
    const predicted = await call('POST', '/campaign/predict', {
      campaigns: [campaign, { ...campaign, daily_budget: 8_000, audience: 'Champions' }],
    });
    expect(predicted).toMatchObject({
      status: 200,
      body: { model_used: 'campaign_outcome', model_version: outcome.version },
    });
    const [small, large] = predicted.body.predictions as { revenue: number; roas: number }[];
    // Returns diminish: ten times the budget earns more, but less per unit spent.
    expect(large?.revenue).toBeGreaterThan(small?.revenue ?? Infinity);
    expect(large?.roas).toBeLessThanOrEqual(small?.roas ?? 0);
    const unknown = await call('POST', '/campaign/predict', {
      campaigns: [{ ...campaign, channel: 'fax' }],
    });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.message)).toMatch(
      /campaigns\[0\]\.channel: "fax" is not one the model was trained on/,
    );
  });

  it("forecasts customers' next 90 days from feature vectors, and lists ids the stream has not seen", async () => {
    const dir = join(__dirname, '../libs/models/src/customer-revenue/fixtures');
    const scores = JSON.parse(readFileSync(join(dir, 'customer-revenue-scores.json'), 'utf8')) as {
      features: string[];
      rows: { customer_id: string; values: number[]; revenue: number }[];
    };
    const customers = scores.rows.slice(0, 50).map((r) => ({
      customer_id: r.customer_id,
      features: Object.fromEntries(scores.features.map((f, j) => [f, r.values[j] ?? NaN])),
    }));
    const none = await call('POST', '/forecast/revenue', { customers });
    expect(none.status).toBe(409);
    expect(String(none.body.message)).toMatch(/model customer_revenue has no active version yet/);
    const version = await registry.register({
      name: 'customer_revenue',
      format: CUSTOMER_REVENUE_FORMAT,
      artifact: readFileSync(join(dir, 'customer-revenue.onnx')),
      metadata: {
        model: JSON.parse(readFileSync(join(dir, 'customer-revenue.json'), 'utf8')) as unknown,
      },
    });
    expect(
      (await call('POST', `/models/customer_revenue/versions/${version.version}/activate`)).status,
    ).toBe(200);
    const r = await call('POST', '/forecast/revenue', { customers });
    expect(r).toMatchObject({
      status: 200,
      body: { model_used: 'customer_revenue', model_version: version.version, horizon_days: 90 },
    });
    const predictions = r.body.predictions as { customer_id: string; expected_revenue: number }[];
    expect(predictions.map((p) => p.customer_id)).toEqual(customers.map((c) => c.customer_id));
    predictions.forEach((p, i) => {
      const python = scores.rows[i]?.revenue ?? NaN;
      expect(Math.abs(p.expected_revenue - python)).toBeLessThan(0.01 + 1e-4 * python);
    });
    // Ids the stream has never seen are listed apart, not guessed.
    const ids = await call('POST', '/forecast/revenue', { customer_ids: ['CUST_NEVER_01'] });
    expect(ids.body).toMatchObject({ predictions: [], unknown_customers: ['CUST_NEVER_01'] });
    for (const [payload, message] of [
      [{ customers, customer_ids: ['CUST_1'] }, /give one of them, not both/],
      [
        { customers, interval_level: 80 },
        /interval_level: the customer forecast is an expectation/,
      ],
      [
        { customers, horizon_days: 30 },
        /horizon_days: the customer forecast covers the next 90 days/,
      ],
      [
        { customers: [{ features: { ...customers[0]?.features, recency_days: undefined } }] },
        /customers\[0\]\.features: recency_days/,
      ],
      [{ customer_ids: [] }, /customer_ids/],
    ] as const) {
      const bad = await call('POST', '/forecast/revenue', payload);
      expect({ status: bad.status, message: String(bad.body.message) }).toEqual({
        status: 400,
        message: expect.stringMatching(message) as unknown,
      });
    }
  });
});
