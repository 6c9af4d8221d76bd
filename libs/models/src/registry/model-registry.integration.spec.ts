import { applyPostgresSchema } from '@amato/ddl';
import { PostgresService } from '@amato/postgres';
import { testConfig, uniqueName, waitFor } from '@amato/testing';
import { ModelArtifactError } from '../model-artifact-error';
import { ModelRegistry, type ModelVersion } from './model-registry';
import { ServingModels } from './serving-models';

/** A stand-in model: the artifact is JSON {"answer": n}; anything else is refused. */
function load(version: ModelVersion): { answer: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(version.artifact.toString('utf8'));
  } catch {
    throw new ModelArtifactError('toy', 'the artifact is not JSON');
  }
  const answer = (parsed as { answer?: unknown }).answer;
  if (typeof answer !== 'number')
    throw new ModelArtifactError('toy', 'field answer: expected a number');
  return { answer };
}

const toy = (answer: unknown) => ({
  name: 'toy',
  format: 'amato.toy.v1',
  artifact: Buffer.from(JSON.stringify({ answer })),
  metadata: { features: ['x'], metrics: { auc: 0.5 } },
  report: '# toy',
});

describe(ModelRegistry.name, () => {
  const config = testConfig();
  const schema = uniqueName('models');
  let postgres: PostgresService;
  let registry: ModelRegistry;

  beforeAll(async () => {
    postgres = await new PostgresService(config.postgres).connect();
    await applyPostgresSchema(postgres, schema);
    registry = new ModelRegistry(postgres, schema);
  });

  afterAll(async () => {
    await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await postgres.close();
  });

  it('numbers versions per model, keeps metadata, and activates one at a time', async () => {
    const v1 = await registry.register(toy(1));
    const v2 = await registry.register(toy(2));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ name: 'toy', active: false, metadata: { features: ['x'] } });
    expect(v1.sha256).toMatch(/^[0-9a-f]{64}$/);
    await registry.activate('toy', 1, load);
    await registry.activate('toy', 2, load);
    const listed = await registry.list('toy');
    expect(listed.map((v) => [v.version, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect((await registry.active('toy'))?.report).toBe('# toy');
  });

  it('gives concurrent registrations distinct versions', async () => {
    const name = 'racer';
    const made = await Promise.all(
      Array.from({ length: 5 }, () => registry.register({ ...toy(1), name })),
    );
    expect(made.map((v) => v.version).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a version serving cannot load, or whose bytes changed, and keeps the active one', async () => {
    const bad = await registry.register(toy('forty-two'));
    await expect(registry.activate('toy', bad.version, load)).rejects.toThrow(
      new RegExp(`^model toy: version ${bad.version}: field answer: expected a number$`),
    );
    const good = await registry.register(toy(3));
    await postgres.query(
      `UPDATE ${schema}.model_versions SET artifact = substring(artifact from 1 for 5)
       WHERE model_name = 'toy' AND version = $1`,
      [good.version],
    );
    const refused = registry.activate('toy', good.version, load);
    await expect(refused).rejects.toBeInstanceOf(ModelArtifactError);
    await expect(refused).rejects.toThrow(/checksum differs .*corrupt or truncated/);
    expect(await registry.activeVersion('toy')).toBe(2);
    await expect(registry.activate('toy', 99, load)).rejects.toThrow(/model toy has no version 99/);
  });

  it('serves the active version, follows an activation without a restart, and keeps serving through a bad one', async () => {
    const serving = new ServingModels(registry, postgres, schema, { toy: load }, 60_000);
    await serving.start();
    try {
      expect(serving.current<{ answer: number }>('toy')).toMatchObject({
        version: 2,
        model: { answer: 2 },
      });
      const next = await registry.register(toy(7));
      await registry.activate('toy', next.version, load);
      // The notification, not the (one-minute) poll, brings it.
      await waitFor(
        'the activated version to serve',
        () => serving.current<{ answer: number }>('toy')?.model.answer,
        (answer) => answer === 7,
        { timeoutMs: 5_000 },
      );
      // A version made active behind the registry's back that cannot load: serving goes on.
      const broken = await registry.register(toy('x'));
      await postgres.query(
        `UPDATE ${schema}.model_versions SET active = false WHERE model_name = 'toy'`,
      );
      await postgres.query(
        `UPDATE ${schema}.model_versions SET active = true WHERE model_name = 'toy' AND version = $1`,
        [broken.version],
      );
      await serving.refreshAll();
      expect(serving.current<{ answer: number }>('toy')?.model.answer).toBe(7);
      expect(serving.status()).toEqual([
        expect.objectContaining({
          name: 'toy',
          version: next.version,
          lastError: `${broken.version}: model toy: field answer: expected a number`,
        }),
      ]);
    } finally {
      await serving.stop();
    }
  });
});
