import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BatchRunner,
  batchSteps,
  exportCampaignDays,
  exportJourneyPrefixes,
  exportDailyRevenue,
  exportHistoryDatasets,
  exportTrainingDataset,
  loadScripts,
} from '@amato/batch';
import { CHANNEL_RESPONSE, Dataset } from '@amato/generator';
import {
  CampaignOutcomeModel,
  CampaignResponse,
  MODEL_LOADERS,
  type ModelName,
  ModelRegistry,
} from '@amato/models';
import { landDataset, ownWorld, testConfig } from '@amato/testing';
import { TrinoService } from '@amato/trino';

const run = promisify(execFile);

/**
 * ./amato train on a generated shop: the batch's datasets in, the models trained, registered
 * and active in this test's own schema, every customer's segment in MySQL.
 */
describe('./amato train', () => {
  const world = ownWorld('train');
  const { name, mysql, postgres } = world;
  const env = {
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
  };
  const config = testConfig(env);
  const analytics = `a_${name}`;
  const asOf = new Date('2026-01-02T00:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'amato-train-datasets-'));
  const dataset = new Dataset({ seed: 23, scale: 0.02, end: new Date('2026-01-01T00:00:00Z') });
  const registry = new ModelRegistry(postgres, name);
  const train = (args: readonly string[]) =>
    run('./amato', ['train', ...args], {
      env: { ...process.env, ...env, AMATO_BATCH__DATASET_DIR: dir, AMATO_LOG__LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });

  beforeAll(async () => {
    await world.setUp();
    await landDataset(world, dataset);
    const trino = new TrinoService(config.trino);
    await new BatchRunner(trino, postgres, config).run(batchSteps(trino, postgres, config.batch), {
      asOf,
      analyticsSchema: analytics,
    });
    await exportTrainingDataset(
      trino,
      `${config.trino.catalogs.postgresql}.${analytics}`,
      asOf,
      dir,
    );
    await exportJourneyPrefixes(postgres, analytics, asOf, dir);
    await exportDailyRevenue(postgres, analytics, asOf, dir);
    await exportCampaignDays(postgres, analytics, asOf, dir);
    await exportHistoryDatasets(
      trino,
      postgres,
      { ...config, batch: { ...config.batch, analyticsSchema: analytics, datasetDir: dir } },
      asOf,
    );
  }, 300_000);

  afterAll(async () => {
    await postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`).catch(() => undefined);
    await world.tearDown();
  });

  it('trains, registers and activates the models, and writes every customer a segment', async () => {
    const { stdout } = await train([]);
    expect(stdout).toMatch(/── kmeans v1 \(active\)/);
    expect(stdout).toMatch(/── hdbscan v1 \(active\)/);
    expect(stdout).toMatch(/── journey v1 \(active\)/);
    expect(stdout).toMatch(/Baseline: rate by depth/);
    expect(stdout).toMatch(/── revenue_forecast v1 \(active\)/);
    expect(stdout).toMatch(/seasonal naive/i);
    expect(stdout).toMatch(/── customer_revenue v1 \(active\)/);
    expect(stdout).toMatch(/last 90 days/i);
    // Two campaigns: too few for the campaign models, which are skipped, saying so.
    expect(stdout).toMatch(/campaign models .*skipped: .*2 campaign\(s\)/);
    const versions = await registry.list();
    expect(versions.map((v) => [v.name, v.version, v.active])).toEqual([
      ['customer_revenue', 1, true],
      ['hdbscan', 1, true],
      ['journey', 1, true],
      ['kmeans', 1, true],
      ['revenue_forecast', 1, true],
    ]);
    const journey = versions.find((v) => v.name === 'journey');
    expect(journey?.metadata).toMatchObject({
      features: expect.arrayContaining(['pages', 'depth']) as unknown,
      code_version: expect.stringMatching(/^[0-9a-f]{7,}|unknown$/) as unknown,
    });
    // What serving loads is what training registered.
    for (const v of versions) {
      const stored = await registry.get(v.name, v.version);
      if (stored) await MODEL_LOADERS[v.name as ModelName](stored);
    }
    const mapped = await mysql.query<{ model_version: string; n: number }>(
      `SELECT model_version, COUNT(*) AS n FROM \`${name}\`.customer_segment_mapping
       GROUP BY model_version ORDER BY model_version`,
    );
    expect(mapped).toEqual([
      { model_version: 'hdbscan:v1', n: dataset.expected.customers },
      { model_version: 'kmeans:v1', n: dataset.expected.customers },
    ]);
  }, 300_000);

  it('registers a second version without activating it when asked, and refuses bad options', async () => {
    await train(['--only', 'kmeans', '--no-activate']);
    expect(await registry.activeVersion('kmeans')).toBe(1);
    expect((await registry.list('kmeans')).map((v) => v.version)).toEqual([2, 1]);
    const bad = train(['--only', 'xgboost']);
    await expect(bad).rejects.toMatchObject({ code: 2 });
    await expect(bad).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown model "xgboost"/) as unknown,
    });
    // A model that fails is said and the run exits 1, but the others are still trained.
    const partly = train([
      '--only',
      'campaign_outcome,kmeans',
      '--campaigns',
      join(dir, 'no-such-file.parquet'),
      '--no-activate',
    ]);
    const failure = (await partly.then(
      () => ({}),
      (err: unknown) => err,
    )) as { code?: number; stdout?: string; stderr?: string };
    expect(failure.code).toBe(1);
    expect(failure.stdout).toMatch(/campaign models .* failed: .*no such file/);
    expect(`${failure.stdout ?? ''}${failure.stderr ?? ''}`).toMatch(
      /1 model\(s\) failed to train, the others were trained/,
    );
    expect((await registry.list('kmeans')).map((v) => v.version)).toEqual([3, 2, 1]);
  }, 120_000);
});

/**
 * The campaign models on the campaigns of a larger generated shop (their events alone, landed
 * through the sink, exported by the batch's 09_campaign_days.sql): trained, registered, loaded
 * as serving loads them, and the fitted curves close to the response the generator planted.
 */
describe('./amato train: the campaign models', () => {
  const world = ownWorld('train_campaigns');
  const { name, postgres } = world;
  const env = {
    AMATO_MYSQL__DATABASE: name,
    AMATO_POSTGRES__SCHEMA: name,
    AMATO_MONGO__DATABASE: name,
  };
  const config = testConfig(env);
  const analytics = `a_${name}`;
  const asOf = new Date('2026-01-02T00:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'amato-train-campaigns-'));
  // The reference volumes' hundred campaigns: what the backtest's claims are made on.
  const dataset = new Dataset({ seed: 5, scale: 1, end: new Date('2026-01-01T00:00:00Z') });
  const registry = new ModelRegistry(postgres, name);

  beforeAll(async () => {
    await world.setUp();
    await landDataset(world, dataset, {
      only: {
        keep: (e) => e.event_type.startsWith('campaign.'),
        tables: ['campaigns', 'campaign_performance'],
      },
    });
    const trino = new TrinoService(config.trino);
    const steps = loadScripts(config.batch.sqlDir).filter((s) => s.name === '09_campaign_days');
    expect(steps).toHaveLength(1);
    await new BatchRunner(trino, postgres, config).run(steps, { asOf, analyticsSchema: analytics });
    await exportCampaignDays(postgres, analytics, asOf, dir);
  }, 300_000);

  afterAll(async () => {
    await postgres.query(`DROP SCHEMA IF EXISTS ${analytics} CASCADE`).catch(() => undefined);
    await world.tearDown();
  });

  it('trains and activates both, backtested against the channel ROAS, near the planted truth', async () => {
    const { stdout } = await run(
      './amato',
      ['train', '--only', 'campaign_response,campaign_outcome'],
      {
        env: { ...process.env, ...env, AMATO_BATCH__DATASET_DIR: dir, AMATO_LOG__LEVEL: 'warn' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).toMatch(/campaign models .*campaign_response v1, campaign_outcome v1/);
    expect(stdout).toMatch(/Held-out campaigns: predicted against actual/);
    const versions = await registry.list();
    expect(versions.map((v) => [v.name, v.version, v.active])).toEqual([
      ['campaign_outcome', 1, true],
      ['campaign_response', 1, true],
    ]);
    const loaded = await Promise.all(
      versions.map(async (v) => {
        const stored = await registry.get(v.name, v.version);
        if (!stored) throw new Error(`${v.name} v${v.version} is not stored`);
        return MODEL_LOADERS[v.name as ModelName](stored);
      }),
    );
    const outcome = loaded[0] as CampaignOutcomeModel;
    const curves = loaded[1] as CampaignResponse;
    expect(outcome).toBeInstanceOf(CampaignOutcomeModel);
    const metrics = versions.find((v) => v.name === 'campaign_response')?.metadata.metrics as {
      backtest: { metrics: Record<string, { roas: { mae_vs_baseline: number } }> };
    };
    expect(metrics.backtest.metrics.response_curves?.roas.mae_vs_baseline).toBeGreaterThan(0);
    expect(metrics.backtest.metrics.outcome_model?.roas.mae_vs_baseline).toBeGreaterThan(0);
    // Each well-sampled channel's planted ceiling and scale lie within its bootstrap's range.
    const a = curves.artifact;
    const names = Object.keys(a.channels);
    for (const [channel, truth] of Object.entries(CHANNEL_RESPONSE)) {
      const i = names.indexOf(channel);
      const campaigns = (a.trained_on as { channels?: Record<string, number> }).channels?.[channel];
      if (i < 0 || (campaigns ?? 0) < 8) continue;
      const range = (key: 'ceiling' | 'scale'): [number, number] => {
        const values = a.samples.map((s) => s[key][i] ?? NaN).sort((x, y) => x - y);
        return [values[0] ?? NaN, values.at(-1) ?? NaN];
      };
      const [cLo, cHi] = range('ceiling');
      const [sLo, sHi] = range('scale');
      expect({
        channel,
        ceiling: truth.ceiling >= cLo * 0.8 && truth.ceiling <= cHi * 1.25,
      }).toEqual({ channel, ceiling: true });
      expect({ channel, scale: truth.scale >= sLo * 0.8 && truth.scale <= sHi * 1.25 }).toEqual({
        channel,
        scale: true,
      });
    }
    await outcome.release();
  }, 300_000);
});
