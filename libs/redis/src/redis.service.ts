import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';

/** The one Redis connection of a service: ioredis behind health, connect and shutdown. */
@Injectable()
export class RedisService implements HealthIndicator, OnApplicationShutdown {
  readonly dependencyName = 'redis';
  readonly client: Redis;
  readonly endpoint: string;
  private lastError?: Error;
  private connected = false;

  constructor(config: AppConfig['redis']) {
    this.endpoint = `${config.host}:${config.port}`;
    this.client = new Redis({
      host: config.host,
      port: config.port,
      db: config.db,
      lazyConnect: true,
      connectTimeout: 3_000,
      maxRetriesPerRequest: 3,
      // Once connected, reconnect with a capped backoff; before that, fail fast (connect()).
      retryStrategy: (attempt) => (this.connected ? Math.min(attempt * 200, 2_000) : null),
    });
    // Errors surface on the commands that fail; an unhandled 'error' event would crash the process.
    // The last one is kept because ioredis reports a failed connect only as "Connection is closed".
    this.client.on('error', (err: Error) => {
      this.lastError = err;
    });
  }

  /** Connects and pings; a Redis that is down gives a DependencyUnavailableError. */
  async connect(): Promise<this> {
    try {
      if (this.client.status === 'wait') await this.client.connect();
      await this.client.ping();
      this.connected = true;
      return this;
    } catch (err) {
      this.client.disconnect();
      throw new DependencyUnavailableError('Redis', this.endpoint, this.lastError ?? err);
    }
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.client.status === 'end' || this.client.status === 'wait') return;
    await this.client.quit().catch(() => {
      this.client.disconnect();
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
