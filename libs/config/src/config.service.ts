import type { AppConfig } from './config.schema';

/**
 * The validated configuration, injectable. Constructed once at boot from loadConfig(); inside the
 * app, code trusts these types.
 */
export class ConfigService {
  constructor(readonly values: AppConfig) {}

  get kafka(): AppConfig['kafka'] {
    return this.values.kafka;
  }
  get redis(): AppConfig['redis'] {
    return this.values.redis;
  }
  get mysql(): AppConfig['mysql'] {
    return this.values.mysql;
  }
  get postgres(): AppConfig['postgres'] {
    return this.values.postgres;
  }
  get mongo(): AppConfig['mongo'] {
    return this.values.mongo;
  }
  get trino(): AppConfig['trino'] {
    return this.values.trino;
  }
  get api(): AppConfig['api'] {
    return this.values.api;
  }
  get batch(): AppConfig['batch'] {
    return this.values.batch;
  }
  get sink(): AppConfig['sink'] {
    return this.values.sink;
  }
  get features(): AppConfig['features'] {
    return this.values.features;
  }
  get processor(): AppConfig['processor'] {
    return this.values.processor;
  }
  get stack(): AppConfig['stack'] {
    return this.values.stack;
  }
}
