import {
  ConflictException,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { MODEL_LOADERS, ModelRegistry, type Served, ServingModels } from '@amato/models';
import { PostgresService } from '@amato/postgres';

/**
 * The API's models: the registry, and the active version of each model, followed from
 * PostgreSQL (NOTIFY and a poll) without a restart. It starts in the background at boot, so
 * the API serves the rest while PostgreSQL is down; a model read before one is active is a 409
 * that says how to make one.
 */
@Injectable()
export class ApiModels implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly registry: ModelRegistry;
  readonly serving: ServingModels;

  constructor(
    @Inject(ConfigService) config: ConfigService,
    @Inject(PostgresService) postgres: PostgresService,
  ) {
    this.registry = new ModelRegistry(postgres, config.postgres.schema);
    this.serving = new ServingModels(
      this.registry,
      postgres,
      config.postgres.schema,
      MODEL_LOADERS,
    );
  }

  onApplicationBootstrap(): void {
    void this.serving.start();
  }

  // Before the stores close: the serving listener holds a PostgreSQL connection.
  async beforeApplicationShutdown(): Promise<void> {
    await this.serving.stop();
  }

  /** The model in service, or a 409 naming what to run. */
  async require<M>(name: string): Promise<Served<M>> {
    let served = this.serving.current<M>(name);
    if (!served) {
      // Started before PostgreSQL was up, or the first train just finished: look now.
      await this.serving.refreshAll();
      served = this.serving.current<M>(name);
    }
    if (!served) {
      const status = this.serving.status().find((s) => s.name === name);
      throw new ConflictException(
        status?.lastError
          ? `model ${name} has no version that loads (${status.lastError}); activate another with POST /models/${name}/versions/{v}/activate`
          : `model ${name} has no active version yet: run ./amato train`,
      );
    }
    return served;
  }
}
