import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Type as T } from '@sinclair/typebox';
import { ConfigError } from '@amato/common';
import { coerceEnvValue, configLeaves, envNameFor, loadConfig, mergeConfig } from './config.loader';

const repoConfig = resolve(__dirname, '../../../config');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.key}: ${p.problem}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function dirWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'amato-config-'));
  writeFileSync(join(dir, 'default.yaml'), yaml);
  return dir;
}

describe(loadConfig.name, () => {
  it('loads the repository defaults without problems', () => {
    const config = loadConfig({ configDir: repoConfig, env: {} });
    expect(config.postgres.port).toBe(15432);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
  });

  it('lets environment variables override nested keys, coerced to the schema type', () => {
    const config = loadConfig({
      configDir: repoConfig,
      env: {
        AMATO_POSTGRES__PORT: '25432',
        AMATO_KAFKA__BROKERS: 'a:1, b:2',
        AMATO_KAFKA__CONSUMER__SESSION_TIMEOUT_MS: '6000',
      },
    });
    expect(config.postgres.port).toBe(25432);
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.kafka.consumer.sessionTimeoutMs).toBe(6000);
  });

  it('layers the overlay file named by AMATO_CONFIG over the defaults', () => {
    const overlay = join(dirWith(''), 'overlay.yaml');
    writeFileSync(overlay, 'redis:\n  port: 26379\n');
    const config = loadConfig({ configDir: repoConfig, env: { AMATO_CONFIG: overlay } });
    expect(config.redis.port).toBe(26379);
    expect(config.redis.host).toBe('127.0.0.1');
  });

  it('names the key, the variable it came from and the problem for a bad value', () => {
    expect(
      problemsOf(() => loadConfig({ configDir: repoConfig, env: { AMATO_POSTGRES__PORT: 'abc' } })),
    ).toEqual(['postgres.port (from AMATO_POSTGRES__PORT): expected integer, got "abc"']);
  });

  it('reports every problem at once, including out-of-range values and bad list items', () => {
    const problems = problemsOf(() =>
      loadConfig({
        configDir: repoConfig,
        env: {
          AMATO_REDIS__PORT: '70000',
          AMATO_KAFKA__BROKERS: 'good:1,bad',
          AMATO_LOG__LEVEL: 'loud',
        },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems).toContainEqual(
      expect.stringMatching(/^redis\.port \(from AMATO_REDIS__PORT\): .*65535/),
    );
    expect(problems).toContainEqual(
      'kafka.brokers[1] (from AMATO_KAFKA__BROKERS): must be host:port, e.g. 127.0.0.1:19092, got "bad"',
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^log\.level .*must be one of "fatal", .*got "loud"/),
    );
  });

  it('rejects an AMATO_ variable that names no key, so a typo is not silently ignored', () => {
    expect(
      problemsOf(() => loadConfig({ configDir: repoConfig, env: { AMATO_REDIS_PORT: '1' } })),
    ).toEqual(['AMATO_REDIS_PORT: unknown setting (no config key has this name)']);
  });

  it('rejects unknown and missing keys in a file', () => {
    const problems = problemsOf(() =>
      loadConfig({ configDir: dirWith('log:\n  level: info\n  colour: red\n'), env: {} }),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^log\.colour: /));
    expect(problems).toContainEqual(expect.stringMatching(/^\(root\): .*api|^api: /));
  });

  it('says which file and line hold invalid YAML', () => {
    const problems = problemsOf(() =>
      loadConfig({ configDir: dirWith('log:\n  level: [info\n'), env: {} }),
    );
    expect(problems).toEqual([expect.stringMatching(/default\.yaml: not valid YAML at line \d+/)]);
  });

  it('says when a named overlay file does not exist', () => {
    const problems = problemsOf(() =>
      loadConfig({ configDir: repoConfig, env: { AMATO_CONFIG: '/nonexistent/amato.yaml' } }),
    );
    expect(problems).toEqual(['/nonexistent/amato.yaml: file not found']);
  });
});

describe(envNameFor.name, () => {
  it('joins UPPER_SNAKE segments with a double underscore', () => {
    expect(envNameFor(['postgres', 'port'])).toBe('AMATO_POSTGRES__PORT');
    expect(envNameFor(['kafka', 'consumer', 'sessionTimeoutMs'])).toBe(
      'AMATO_KAFKA__CONSUMER__SESSION_TIMEOUT_MS',
    );
  });

  it('gives every config key a distinct variable', () => {
    const names = configLeaves().map((leaf) => envNameFor(leaf.path));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe(coerceEnvValue.name, () => {
  it('turns numeric strings into numbers and leaves the rest for validation to reject', () => {
    expect(coerceEnvValue('42', T.Integer())).toBe(42);
    expect(coerceEnvValue('4x2', T.Integer())).toBe('4x2');
    expect(coerceEnvValue('true', T.Boolean())).toBe(true);
    expect(coerceEnvValue('yes', T.Boolean())).toBe('yes');
    expect(coerceEnvValue(' 1, 2 ,,3', T.Array(T.Integer()))).toEqual([1, 2, 3]);
    expect(coerceEnvValue('abc', T.String())).toBe('abc');
  });
});

describe(mergeConfig.name, () => {
  it('merges objects deeply and lets arrays and scalars of the overlay replace the base', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: 'y' })).toEqual({
      a: { b: 1, c: [3] },
      d: 'y',
    });
  });
});
