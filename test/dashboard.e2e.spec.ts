import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BatchRunner, batchSteps } from '@amato/batch';
import { predictionTopicsFor } from '@amato/contracts';
import { FEATURE_STREAMS } from '@amato/features';
import { Dataset, trickle } from '@amato/generator';
import { MODEL_LOADERS, ModelRegistry, REVENUE_FORECAST_FORMAT } from '@amato/models';
import { RedisService } from '@amato/redis';
import { createStreamService } from '@amato/stream';
import {
  activateStreamModels,
  closedPort,
  landDataset,
  launchChromium,
  ownWorld,
  testConfig,
  waitFor,
  waitUntilCaughtUp,
} from '@amato/testing';
import { TrinoService } from '@amato/trino';
import { buildDashboard } from '../apps/dashboard/build';
import { createApi } from '../apps/api/src/main';
import { processorService } from '../apps/processor/src/processor.service';
import { forecastArtifact } from '../libs/models/src/forecast/forecast-factory';

const END = new Date('2026-01-01T00:00:00Z');
/** Where the run's screenshots of every view go (ignored by git). */
const SHOTS = join('test-results', 'dashboard');

/**
 * The dashboard in headless Chromium against a running stack: a shop landed through the sink,
 * its features and predictions made by the processor with models active, its batch run, and
 * the API serving the dashboard. Each view renders that data, the live feed moves while new
 * sessions flow, a customer is looked up, and an API whose dependencies are down shows their
 * messages instead of blank panels. A screenshot of each view is saved in test-results/.
 */
describe('the dashboard in a browser', () => {
  const world = ownWorld('dash');
  const { name, topics, kafka, postgres } = world;
  const analytics = `a_${name}`;
  const key = 'test-key-dashboard-0123456789';
  const dataset = new Dataset({ seed: 29, scale: 0.01, end: END });
  const events = [...dataset.events()];
  const config = testConfig({
    AMATO_KAFKA__TOPIC_PREFIX: name,
    AMATO_FEATURES__KEY_PREFIX: name,
    AMATO_PROCESSOR__GROUP_ID: `${name}.processor`,
    AMATO_SINK__GROUP_ID: `${name}.sink`,
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
    AMATO_BATCH__ANALYTICS_SCHEMA: analytics,
  });
  const registry = new ModelRegistry(postgres, name);
  const redis = new RedisService(config.redis);
  const trino = new TrinoService(config.trino);
  // A customer with a session in the clickstream store, to look up.
  const shopper = events.flatMap((e) =>
    e.event_type === 'session.ended' && e.payload.customer_id ? [e.payload.customer_id] : [],
  )[0];
  let processor: INestMicroservice;
  let api: NestFastifyApplication;
  let down: NestFastifyApplication;
  let browser: Browser;
  let context: BrowserContext;
  let base = '';
  let downBase = '';
  let kafkaDown = 0;
  let postgresDown = 0;

  const urlOf = (app: NestFastifyApplication) =>
    `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dashboardDir = await buildDashboard(mkdtempSync(join(tmpdir(), 'amato-dashboard-')));
    await world.setUp();
    await redis.connect();
    await activateStreamModels(registry, events, END, { k: 4, seed: 5 });
    const forecast = await registry.register({
      name: 'revenue_forecast',
      format: REVENUE_FORECAST_FORMAT,
      artifact: Buffer.from(JSON.stringify(forecastArtifact(90))),
      metadata: { metrics: { backtest: { improvement_pct: { mae: 31.5 } } } },
    });
    await registry.activate('revenue_forecast', forecast.version, MODEL_LOADERS.revenue_forecast);

    processor = await createStreamService(processorService, config);
    await processor.listen();
    await landDataset(world, dataset);
    await waitUntilCaughtUp(
      kafka,
      `${name}.processor`,
      FEATURE_STREAMS.map((s) => topics[s]),
      120_000,
    );
    // A record no event contract accepts: the processor sends it to the DLQ with its reason.
    await kafka.send(topics.customers, [{ key: 'CUST_999999', value: '{"oops": true' }]);
    await waitFor(
      'the poison record in the DLQ',
      () => kafka.topicRecordCount(topics.dlq),
      (n) => n >= 1,
    );
    await new BatchRunner(trino, postgres, config).run(batchSteps(trino, postgres, config.batch), {
      asOf: new Date('2026-01-02T00:00:00Z'),
      analyticsSchema: analytics,
    });

    api = await createApi({ ...config, api: { ...config.api, apiKeys: [key] } }, { dashboardDir });
    await api.listen(0, '127.0.0.1');
    base = urlOf(api);
    kafkaDown = await closedPort();
    postgresDown = await closedPort();
    down = await createApi(
      {
        ...config,
        api: { ...config.api, apiKeys: [key] },
        kafka: { ...config.kafka, brokers: [`127.0.0.1:${kafkaDown}`] },
        postgres: { ...config.postgres, port: postgresDown },
      },
      { dashboardDir },
    );
    await down.listen(0, '127.0.0.1');
    downBase = urlOf(down);

    browser = await launchChromium();
    // The key as a user left it in this browser; the first test enters it by hand instead.
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.addInitScript(
      `window.localStorage.setItem('amato.apiKey', ${JSON.stringify(key)});`,
    );
  }, 420_000);

  afterAll(async () => {
    await browser.close();
    await down.close();
    await api.close();
    await processor.close();
    await postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`);
    await kafka.deleteTopics(Object.values(predictionTopicsFor(name))).catch(() => undefined);
    const scan = redis.client.scanStream({ match: `${name}:*`, count: 1000 });
    for await (const keys of scan as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.client.unlink(...keys);
    }
    await redis.close();
    await world.tearDown();
  });

  /** A page of the shared context (key already kept) on a view, with its errors collected. */
  async function open(view: string, at = base): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${at}/dashboard/#${view}`);
    return { page, errors };
  }

  const panel = (page: Page, id: string) => page.locator(`[data-panel="${id}"]`);
  const shot = (page: Page, file: string) =>
    page.screenshot({ path: join(SHOTS, file), fullPage: true });

  it('asks for the key once, refuses a wrong one, and never puts it in the address', async () => {
    const fresh = await browser.newContext();
    try {
      const page = await fresh.newPage();
      // /dashboard without its slash is sent on to the page.
      await page.goto(`${base}/dashboard`);
      const form = page.locator('form[data-role=key-form]');
      await form.locator('input').fill('not-the-key');
      await form.locator('button').click();
      await page.getByText(/refused: unknown API key/).waitFor({ timeout: 10_000 });
      await form.locator('input').fill(key);
      await form.locator('button').click();
      await panel(page, 'topics').locator('table').waitFor({ timeout: 20_000 });
      expect(await form.isHidden()).toBe(true);
      await page.reload();
      await panel(page, 'topics').locator('table').waitFor({ timeout: 20_000 });
      expect(await form.isHidden()).toBe(true);
      expect(page.url()).not.toContain(key);
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('shows the topics, the lag per partition, the dead letters and each service', async () => {
    const { page, errors } = await open('topics');
    await panel(page, 'topics').getByText(`${name}.customers`).waitFor({ timeout: 20_000 });
    await panel(page, 'dlq').getByText('not JSON').waitFor({ timeout: 20_000 });
    await panel(page, 'partitions').getByText(`${name}.processor`).first().waitFor();
    // The processor runs in this test, with a member in its group.
    await panel(page, 'health')
      .locator('tr', { hasText: 'processor' })
      .getByText('running', { exact: true })
      .waitFor({ timeout: 20_000 });
    await expect(panel(page, 'health').getByText('redis').count()).resolves.toBe(1);
    await page.waitForTimeout(5_500); // a second look, for messages per second
    // One group's lag per partition over time, instead of every group's total.
    await page.selectOption('[data-role=lag-group]', `${name}.processor`);
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'topics.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('feeds predictions live while new sessions flow', async () => {
    const { page, errors } = await open('predictions');
    const status = page.locator('[data-role=feed-status]');
    await status.getByText(/[1-9]\d* predictions? received/).waitFor({ timeout: 30_000 });
    const count = async () =>
      Number(/(\d+) prediction/.exec((await status.textContent()) ?? '')?.[1]);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const stop = new AbortController();
    const flowing = trickle(dataset, topics, kafka, {
      sessionsPerMinute: 600,
      seed: 7,
      signal: stop.signal,
    });
    try {
      await page
        .locator('[data-role=feed] li', { hasText: 'SESS_L' })
        .first()
        .waitFor({ timeout: 60_000 });
      expect(await count()).toBeGreaterThan(before);
    } finally {
      stop.abort();
      await flowing;
    }
    // The histogram is drawn on the next refresh (every 5 s), and its "no data yet" goes.
    await panel(page, 'conversion')
      .locator('.notice')
      .waitFor({ state: 'hidden', timeout: 15_000 });
    await panel(page, 'conversion').locator('canvas').waitFor();
    await shot(page, 'predictions.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('looks a customer up: features, windows, segment, latest session, forecast', async () => {
    if (!shopper) throw new Error('the data set has no session of a known customer');
    const { page, errors } = await open('customer');
    await page.fill('input[name=customer]', shopper);
    await page.click('form.lookup button');
    await panel(page, 'profile').getByText(shopper).waitFor({ timeout: 20_000 });
    await panel(page, 'features').getByText('recency_days').waitFor();
    await panel(page, 'session')
      .getByText(/SESS_\w+, started/)
      .waitFor({ timeout: 20_000 });
    // No customer revenue model is active here: the panel says so, it is not blank.
    await panel(page, 'forecast')
      .getByText(/customer_revenue has no active version/)
      .waitFor({ timeout: 20_000 });
    // A malformed id is refused in the page, naming what is expected.
    await page.fill('input[name=customer]', 'bob');
    await page.click('form.lookup button');
    await panel(page, 'lookup')
      .getByText(/not a customer id: expected CUST_/)
      .waitFor();
    await page.fill('input[name=customer]', shopper);
    await page.click('form.lookup button');
    await panel(page, 'profile').getByText(shopper).waitFor({ timeout: 20_000 });
    await shot(page, 'customer.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows the batch's analytics and the revenue forecast with its band", async () => {
    const { page, errors } = await open('analytics');
    await panel(page, 'quality')
      .getByText(/checks find failing rows/)
      .waitFor({ timeout: 30_000 });
    await panel(page, 'rfm').locator('table td').first().waitFor();
    await panel(page, 'channels').locator('canvas').waitFor();
    await panel(page, 'experiments').locator('tbody tr').first().waitFor();
    await panel(page, 'forecast')
      .getByText(/expected over 90 days/)
      .waitFor();
    await panel(page, 'batch').getByText('00_stage_clickstream').waitFor();
    for (const id of ['batch', 'quality', 'rfm', 'channels', 'experiments', 'forecast']) {
      expect(await panel(page, id).locator('.notice-error:not([hidden])').count()).toBe(0);
    }
    await shot(page, 'analytics.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('lists the model versions and activates another', async () => {
    const kmeans = await registry.active('kmeans');
    if (!kmeans) throw new Error('no active kmeans version');
    const again = await registry.register({
      name: 'kmeans',
      format: kmeans.format,
      artifact: kmeans.artifact,
      metadata: kmeans.metadata,
    });
    const { page, errors } = await open('models');
    const button = panel(page, 'versions').locator(`[data-activate="kmeans:${again.version}"]`);
    await button.click({ timeout: 20_000 });
    await panel(page, 'versions')
      .getByText(`kmeans v${again.version} is now active`)
      .waitFor({ timeout: 20_000 });
    expect((await registry.active('kmeans'))?.version).toBe(again.version);
    await panel(page, 'versions')
      .getByText(/backtest MAE 31\.5% below/)
      .waitFor();
    await shot(page, 'models.png');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('says which dependency is down, in the views that need it', async () => {
    const topicsPage = await open('topics', downBase);
    await panel(topicsPage.page, 'topics')
      .getByText(new RegExp(`Kafka at 127\\.0\\.0\\.1:${kafkaDown} did not answer`))
      .waitFor({ timeout: 60_000 });
    await panel(topicsPage.page, 'health')
      .getByText(/Down: .*kafka/)
      .waitFor({ timeout: 60_000 });
    await shot(topicsPage.page, 'topics-kafka-down.png');
    await topicsPage.page.close();
    const analyticsPage = await open('analytics', downBase);
    await panel(analyticsPage.page, 'rfm')
      .locator('.notice-error', { hasText: /PostgreSQL/ })
      .waitFor({ timeout: 60_000 });
    await shot(analyticsPage.page, 'analytics-postgres-down.png');
    expect([...topicsPage.errors, ...analyticsPage.errors]).toEqual([]);
    await analyticsPage.page.close();
  }, 150_000);
});
