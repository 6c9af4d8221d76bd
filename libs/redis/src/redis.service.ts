import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';

export interface RedisServiceOptions {
  /**
   * Fails a command that has no answer within this many ms, queued while Redis is away
   * included: a server answering requests (the API) must not hold them for the whole reconnect
   * cycle. Unset: commands wait (a pipelined batch of scripts may take long).
   */
  readonly commandTimeoutMs?: number;
}

/**
 * The one Redis connection of a service: ioredis behind health, connect and shutdown.
 * `connect()` is the check at boot of a service that needs Redis to start; without it, the
 * client connects on first use (a service that must start, and recover, while Redis is down).
 */
@Injectable()
export class RedisService implements HealthIndicator, OnApplicationShutdown {
  readonly dependencyName = 'redis';
  readonly client: Redis;
  readonly endpoint: string;
  private lastError?: Error;
  private connecting = false;

  constructor(config: AppConfig['redis'], options: RedisServiceOptions = {}) {
    this.endpoint = `${config.host}:${config.port}`;
    this.client = new Redis({
      host: config.host,
      port: config.port,
      db: config.db,
      lazyConnect: true,
      connectTimeout: 3_000,
      // How long disconnect() waits for the socket to close before destroying it. A socket an
      // outage already closed never says so again, and the default 2 s kept a stopping process
      // alive that long.
      disconnectTimeout: 500,
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 3,
      // connect() fails fast, so a service that needs Redis stops at boot with the cause;
      // otherwise (a lost connection, or a first use without connect()) reconnect with a capped
      // backoff, for as long as it takes.
      retryStrategy: (attempt) => (this.connecting ? null : Math.min(attempt * 200, 2_000)),
    });
    // Errors surface on the commands that fail; an unhandled 'error' event would crash the process.
    // The last one is kept because ioredis reports a failed connect only as "Connection is closed".
    this.client.on('error', (err: Error) => {
      this.lastError = err;
    });
  }

  /** Connects and pings; a Redis that is down gives a DependencyUnavailableError. */
  async connect(): Promise<this> {
    this.connecting = true;
    try {
      if (this.client.status === 'wait') await this.client.connect();
      await this.client.ping();
      return this;
    } catch (err) {
      this.client.disconnect();
      throw new DependencyUnavailableError('Redis', this.endpoint, this.lastError ?? err);
    } finally {
      this.connecting = false;
    }
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.client.status === 'end' || this.client.status === 'wait') return;
    // QUIT would wait in the offline queue behind commands that cannot be sent; without a
    // connection there is nothing to say goodbye to.
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    await this.client.quit().catch(() => {
      this.client.disconnect();
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
