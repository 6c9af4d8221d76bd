import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  createPool,
  type Pool,
  type PoolConnection,
  type ResultSetHeader,
  type QueryValues,
  type RowDataPacket,
} from 'mysql2/promise';
import {
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';

export type SqlParams = QueryValues;

/** MySQL (MariaDB here) through one mysql2 pool. */
@Injectable()
export class MysqlService implements HealthIndicator, OnApplicationShutdown {
  readonly dependencyName = 'mysql';
  readonly pool: Pool;
  readonly endpoint: string;
  /** The database the pool's connections start in. */
  readonly database: string;

  constructor(config: AppConfig['mysql']) {
    this.endpoint = `${config.host}:${config.port}/${config.database}`;
    this.database = config.database;
    this.pool = createPool({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      connectionLimit: config.poolSize,
      connectTimeout: 3_000,
      // Money and counts come back as numbers or exact strings, never as lossy floats of DECIMAL.
      decimalNumbers: false,
      supportBigNumbers: true,
      dateStrings: false,
      timezone: 'Z',
    });
  }

  async connect(): Promise<this> {
    try {
      const connection = await this.pool.getConnection();
      try {
        await connection.ping();
      } finally {
        connection.release();
      }
      return this;
    } catch (err) {
      throw new DependencyUnavailableError('MySQL', this.endpoint, err);
    }
  }

  /** A read: the rows as plain objects. */
  async query<T extends object = Record<string, unknown>>(
    sql: string,
    params: SqlParams = [],
  ): Promise<T[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(sql, params);
    return rows as T[];
  }

  /** A write: affected rows and insert id. */
  async execute(sql: string, params: SqlParams = []): Promise<ResultSetHeader> {
    const [result] = await this.pool.query<ResultSetHeader>(sql, params);
    return result;
  }

  /** Runs fn in one transaction on one connection; commits if it resolves, rolls back if not. */
  async transaction<T>(fn: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await fn(connection);
      await connection.commit();
      return result;
    } catch (err) {
      await connection.rollback().catch(() => undefined);
      throw err;
    } finally {
      connection.release();
    }
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, () => this.pool.query('SELECT 1'));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
