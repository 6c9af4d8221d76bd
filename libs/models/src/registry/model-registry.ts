import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { createLogger } from '@amato/common';
import type { PostgresService } from '@amato/postgres';
import { ModelArtifactError } from '../model-artifact-error';

/** The channel on which an activation is announced to serving processes. */
export const MODELS_CHANNEL = 'amato_models';

/** A version as listed: everything but the artifact's bytes. */
export interface ModelVersionInfo {
  readonly name: string;
  readonly version: number;
  readonly format: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly active: boolean;
  readonly activatedAt: string | null;
}

/** A version with its artifact, as serving loads it. */
export interface ModelVersion extends ModelVersionInfo {
  readonly artifact: Buffer;
  readonly report: string | null;
}

export interface NewModelVersion {
  readonly name: string;
  readonly format: string;
  readonly artifact: Buffer;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly report?: string;
}

/** Checks that a version can be served (loads it the way serving will); throws if not. */
export type ArtifactCheck = (version: ModelVersion) => unknown;

interface Row {
  model_name: string;
  version: number;
  format: string;
  artifact_sha256: string;
  bytes: number;
  metadata: Record<string, unknown>;
  created_at: Date;
  active: boolean;
  activated_at: Date | null;
  artifact?: Buffer;
  report?: string | null;
}

const INFO = `model_name, version, format, artifact_sha256, octet_length(artifact) AS bytes, metadata,
  created_at, active, activated_at`;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function info(row: Row): ModelVersionInfo {
  return {
    name: row.model_name,
    version: row.version,
    format: row.format,
    sha256: row.artifact_sha256,
    bytes: row.bytes,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
    active: row.active,
    activatedAt: row.activated_at?.toISOString() ?? null,
  };
}

/**
 * The model registry in PostgreSQL (`<schema>.model_versions`): every trained version with its
 * artifact and metadata; one active version per model. Activation checks the artifact (its
 * checksum, then the caller's loader) before it switches anything, so a corrupt or
 * incompatible version is refused and the active one stays; then it announces the switch on
 * MODELS_CHANNEL, which serving processes LISTEN to.
 */
export class ModelRegistry {
  private readonly logger = createLogger(ModelRegistry.name);

  constructor(
    private readonly postgres: PostgresService,
    private readonly schema: string,
  ) {}

  /** Stores a new version (numbered after the model's last) and returns it, inactive. */
  async register(version: NewModelVersion): Promise<ModelVersionInfo> {
    const rows = await this.postgres.transaction(async (client) => {
      // One writer at a time per model: the next version number is taken under the lock.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`model:${version.name}`]);
      const result = await client.query<Row>(
        `INSERT INTO ${this.schema}.model_versions
           (model_name, version, format, artifact, artifact_sha256, metadata, report)
         SELECT $1::varchar, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6
         FROM ${this.schema}.model_versions WHERE model_name = $1::varchar
         RETURNING ${INFO}`,
        [
          version.name,
          version.format,
          version.artifact,
          sha256(version.artifact),
          JSON.stringify(version.metadata),
          version.report ?? null,
        ],
      );
      return result.rows;
    });
    return info(rows[0] as Row);
  }

  /** Every version of every model (or of one), newest first, without artifacts. */
  async list(name?: string): Promise<ModelVersionInfo[]> {
    const rows = await this.postgres.query<Row>(
      `SELECT ${INFO} FROM ${this.schema}.model_versions
       ${name ? 'WHERE model_name = $1' : ''} ORDER BY model_name, version DESC`,
      name ? [name] : [],
    );
    return rows.map(info);
  }

  /** One version with its artifact; undefined if there is none. */
  async get(name: string, version: number): Promise<ModelVersion | undefined> {
    const [row] = await this.postgres.query<Row>(
      `SELECT ${INFO}, artifact, report FROM ${this.schema}.model_versions
       WHERE model_name = $1 AND version = $2`,
      [name, version],
    );
    return row ? withArtifact(row) : undefined;
  }

  /** The active version of a model with its artifact; undefined if none is active. */
  async active(name: string): Promise<ModelVersion | undefined> {
    const [row] = await this.postgres.query<Row>(
      `SELECT ${INFO}, artifact, report FROM ${this.schema}.model_versions
       WHERE model_name = $1 AND active`,
      [name],
    );
    return row ? withArtifact(row) : undefined;
  }

  /** The number of a model's active version, without its bytes: what a watcher polls. */
  async activeVersion(name: string): Promise<number | undefined> {
    const [row] = await this.postgres.query<{ version: number }>(
      `SELECT version FROM ${this.schema}.model_versions WHERE model_name = $1 AND active`,
      [name],
    );
    return row?.version;
  }

  /**
   * Makes a version the active one, after checking that its bytes are the ones registered and
   * that `check` (serving's own loader) accepts them; a version that fails either is refused
   * with a ModelArtifactError and the active version stays. Unknown versions are a RangeError.
   */
  async activate(name: string, version: number, check: ArtifactCheck): Promise<ModelVersionInfo> {
    const candidate = await this.get(name, version);
    if (!candidate) throw new RangeError(`model ${name} has no version ${version}`);
    if (sha256(candidate.artifact) !== candidate.sha256) {
      throw new ModelArtifactError(
        name,
        `version ${version}: the artifact's checksum differs from the one registered (corrupt or truncated)`,
      );
    }
    try {
      await check(candidate);
    } catch (err) {
      if (err instanceof ModelArtifactError) {
        throw new ModelArtifactError(name, `version ${version}: ${err.problem}`, { cause: err });
      }
      throw err;
    }
    const rows = await this.postgres.transaction(async (client: PoolClient) => {
      await client.query(
        `UPDATE ${this.schema}.model_versions SET active = false WHERE model_name = $1 AND active`,
        [name],
      );
      const result = await client.query<Row>(
        `UPDATE ${this.schema}.model_versions SET active = true, activated_at = now()
         WHERE model_name = $1 AND version = $2 RETURNING ${INFO}`,
        [name, version],
      );
      // Delivered at commit, so listeners never read the previous state.
      await client.query('SELECT pg_notify($1, $2)', [
        MODELS_CHANNEL,
        JSON.stringify({ schema: this.schema, name, version }),
      ]);
      return result.rows;
    });
    this.logger.info({ model: name, version }, 'model version activated');
    return info(rows[0] as Row);
  }
}

function withArtifact(row: Row): ModelVersion {
  return { ...info(row), artifact: row.artifact ?? Buffer.alloc(0), report: row.report ?? null };
}
