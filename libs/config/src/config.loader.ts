import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type TSchema, KindGuard } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, type ConfigProblem, schemaProblems } from '@amato/common';
import { type AppConfig, AppConfigSchema } from './config.schema';

/** Variables that steer loading itself rather than naming a key. */
export const META_ENV = {
  overlay: 'AMATO_CONFIG',
  dir: 'AMATO_CONFIG_DIR',
} as const;

const ENV_PREFIX = 'AMATO_';
const checker = TypeCompiler.Compile(AppConfigSchema);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

interface Leaf {
  readonly path: readonly string[];
  readonly schema: TSchema;
}

/** postgres.port -> AMATO_POSTGRES__PORT; kafka.consumer.sessionTimeoutMs -> ..._SESSION_TIMEOUT_MS */
export function envNameFor(path: readonly string[]): string {
  return (
    ENV_PREFIX +
    path.map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')
  );
}

/** Every settable key of the schema, as a path and its schema. */
export function configLeaves(schema: TSchema = AppConfigSchema, path: string[] = []): Leaf[] {
  if (KindGuard.IsObject(schema)) {
    return Object.entries(schema.properties).flatMap(([key, child]) =>
      configLeaves(child, [...path, key]),
    );
  }
  return [{ path, schema }];
}

/** Turns an environment string into the JSON type the leaf's schema wants, where it can. */
export function coerceEnvValue(raw: string, schema: TSchema): Json {
  if (KindGuard.IsInteger(schema) || KindGuard.IsNumber(schema)) {
    return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  }
  if (KindGuard.IsBoolean(schema)) {
    return raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  if (KindGuard.IsArray(schema)) {
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0)
      .map((part) => coerceEnvValue(part, schema.items));
  }
  return raw;
}

function setPath(target: JsonObject, path: readonly string[], value: Json): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as JsonObject;
  }
  node[path[path.length - 1] as string] = value;
}

/** Deep merge of plain objects; arrays and scalars of `over` replace those of `base`. */
export function mergeConfig(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothObjects =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current);
    out[key] = bothObjects ? mergeConfig(current, value) : value;
  }
  return out;
}

function readYaml(file: string): JsonObject {
  if (!existsSync(file)) {
    throw new ConfigError([{ key: file, problem: 'file not found' }], file);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const where = err instanceof YAMLParseError ? ` at line ${err.linePos?.[0].line ?? '?'}` : '';
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError([{ key: file, problem: `not valid YAML${where}: ${message}` }], file);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([{ key: file, problem: 'must be a mapping of keys to values' }], file);
  }
  return parsed as JsonObject;
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly configDir?: string;
}

/**
 * Loads config/default.yaml, then the overlay named by AMATO_CONFIG, then AMATO_* variables, and
 * validates the result. Throws one ConfigError listing every problem, each naming its key and
 * where the bad value came from.
 */
export function loadConfig(options: LoadOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? env[META_ENV.dir] ?? resolve(process.cwd(), 'config');
  const files = [resolve(dir, 'default.yaml')];
  const overlay = env[META_ENV.overlay];
  if (overlay) files.push(resolve(overlay));

  let merged: JsonObject = {};
  const sources = new Map<string, string>();
  for (const file of files) merged = mergeConfig(merged, readYaml(file));

  const problems: ConfigProblem[] = [];
  const leaves = configLeaves();
  const byEnvName = new Map(leaves.map((leaf) => [envNameFor(leaf.path), leaf]));
  const metaNames = new Set<string>(Object.values(META_ENV));
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || metaNames.has(name) || raw === undefined) continue;
    const leaf = byEnvName.get(name);
    if (!leaf) {
      problems.push({ key: name, problem: 'unknown setting (no config key has this name)' });
      continue;
    }
    setPath(merged, leaf.path, coerceEnvValue(raw, leaf.schema));
    sources.set(leaf.path.join('.'), name);
  }

  for (const { path, message } of schemaProblems(checker.Errors(merged), 100)) {
    const source = sources.get(path.replace(/\[\d+\]$/, ''));
    problems.push({ key: source ? `${path} (from ${source})` : path, problem: message });
  }
  if (problems.length > 0) {
    throw new ConfigError(
      problems,
      files.map((f) => f.replace(`${process.cwd()}/`, '')).join(' + ') + ' + environment',
    );
  }
  return merged as unknown as AppConfig;
}
