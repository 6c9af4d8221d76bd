import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import {
  createLogger,
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  isTransientError,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';

/** PostgreSQL through one pg pool. */
@Injectable()
export class PostgresService implements HealthIndicator, OnApplicationShutdown {
  readonly dependencyName = 'postgres';
  readonly pool: Pool;
  readonly endpoint: string;
  private readonly logger = createLogger(PostgresService.name);
  private closed = false;

  constructor(config: AppConfig['postgres']) {
    this.endpoint = `${config.host}:${config.port}/${config.database}`;
    this.pool = new Pool({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      max: config.poolSize,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client that loses its server emits here; without a listener the process would exit.
    this.pool.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'idle PostgreSQL connection failed');
    });
  }

  async connect(): Promise<this> {
    try {
      const client = await this.pool.connect();
      client.release();
      return this;
    } catch (err) {
      throw new DependencyUnavailableError('PostgreSQL', this.endpoint, err);
    }
  }

  async query<T extends QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    try {
      const result = await this.pool.query<T>(sql, params as unknown[]);
      return result.rows;
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  /**
   * PostgreSQL unreachable or unable to answer now (see isTransientError) as what it means to
   * a caller: a DependencyUnavailableError naming it (an HTTP 503); a SQL error stays as it is.
   */
  private unavailable(err: unknown): unknown {
    if (err instanceof DependencyUnavailableError || !isTransientError(err)) return err;
    return new DependencyUnavailableError('PostgreSQL', this.endpoint, err);
  }

  /** Runs fn in one transaction on one client; commits if it resolves, rolls back if not. */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw this.unavailable(err);
    });
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, () => this.pool.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
