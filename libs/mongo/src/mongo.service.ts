import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Db, MongoClient } from 'mongodb';
import {
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  isTransientError,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';

/**
 * MongoDB through the official driver. Only the public driver API is used, so the wire-protocol
 * server of the local stack and a real MongoDB (docker-compose.yml) work the same.
 */
@Injectable()
export class MongoService implements HealthIndicator, OnApplicationShutdown {
  readonly dependencyName = 'mongo';
  readonly client: MongoClient;
  readonly endpoint: string;
  private readonly database: string;

  constructor(config: AppConfig['mongo']) {
    this.endpoint = `${config.host}:${config.port}`;
    this.database = config.database;
    this.client = new MongoClient(`mongodb://${this.endpoint}/`, {
      // The local wire-protocol server answers slowly while it works off a burst of writes;
      // 10 s tolerates that and still fails clearly when nothing listens (refused at once).
      serverSelectionTimeoutMS: 10_000,
      connectTimeoutMS: 10_000,
      maxPoolSize: config.poolSize,
      directConnection: true,
    });
  }

  async connect(): Promise<this> {
    try {
      await this.client.connect();
      await this.client.db(this.database).command({ ping: 1 });
      return this;
    } catch (err) {
      await this.client.close().catch(() => undefined);
      throw new DependencyUnavailableError('MongoDB', this.endpoint, err);
    }
  }

  /**
   * Runs `fn` against the configured database; MongoDB unreachable or unable to answer now
   * (see isTransientError) becomes a DependencyUnavailableError naming it (an HTTP 503 in the
   * API), any other error stays as it is.
   */
  async read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    try {
      return await fn(this.db());
    } catch (err) {
      if (err instanceof DependencyUnavailableError || !isTransientError(err)) throw err;
      throw new DependencyUnavailableError('MongoDB', this.endpoint, err);
    }
  }

  /** The configured database, or another one by name (tests own theirs). */
  db(name: string = this.database): Db {
    return this.client.db(name);
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, async () => {
      // A client whose first connect failed stays closed; connect() (a no-op once connected)
      // opens it again, so a MongoDB that comes back is reported up.
      await this.client.connect();
      await this.db().command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
