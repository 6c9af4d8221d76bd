import { Injectable } from '@nestjs/common';
import { BasicAuth, type QueryError, Trino } from 'trino-client';
import {
  AmatoError,
  type DependencyHealth,
  DependencyUnavailableError,
  type HealthIndicator,
  probe,
} from '@amato/common';
import type { AppConfig } from '@amato/config';

/** Trino rejected or failed a query; carries Trino's own error name and the query. */
export class TrinoQueryError extends AmatoError {
  readonly code = 'TRINO_QUERY_FAILED';
  readonly retriable: boolean;

  constructor(
    readonly trinoError: QueryError,
    readonly sql: string,
  ) {
    super(`Trino ${trinoError.errorName} (${trinoError.errorType}): ${trinoError.message}`);
    // Only resource exhaustion and internal errors may pass on retry; user errors never do.
    this.retriable = trinoError.errorType !== 'USER_ERROR';
  }
}

export type TrinoRow = Record<string, unknown>;

/** Trino over its HTTP protocol (trino-client); rows come back as objects keyed by column. */
@Injectable()
export class TrinoService implements HealthIndicator {
  readonly dependencyName = 'trino';
  readonly endpoint: string;
  private readonly client: Trino;

  constructor(readonly config: AppConfig['trino']) {
    this.endpoint = `http://${config.host}:${config.port}`;
    this.client = Trino.create({ server: this.endpoint, auth: new BasicAuth(config.user) });
  }

  async query<T extends TrinoRow = TrinoRow>(sql: string): Promise<T[]> {
    let iterator;
    try {
      iterator = await this.client.query(sql);
    } catch (err) {
      throw new DependencyUnavailableError('Trino', this.endpoint, err);
    }
    const rows: T[] = [];
    let names: string[] = [];
    for await (const page of iterator) {
      if (page.error) throw new TrinoQueryError(page.error, sql);
      if (page.columns) names = page.columns.map((column) => column.name);
      for (const values of page.data ?? []) {
        rows.push(Object.fromEntries(names.map((name, i) => [name, values[i]])) as T);
      }
    }
    return rows;
  }

  /** Waits until the coordinator has finished starting and answers a query. */
  async connect(): Promise<this> {
    await this.query('SELECT 1');
    return this;
  }

  /** Nothing to release: each query is its own sequence of HTTP requests. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  checkHealth(): Promise<DependencyHealth> {
    return probe(this.dependencyName, this.endpoint, () => this.query('SELECT 1'), 5_000);
  }
}
