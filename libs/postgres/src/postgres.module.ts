import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { PostgresService } from './postgres.service';

@Module({})
class LazyPostgresModule {}

/** Provides PostgresService, connected at boot: a dependency that is down stops the app with a clear error. */
@Module({
  providers: [
    {
      provide: PostgresService,
      useFactory: (config: ConfigService) => new PostgresService(config.postgres).connect(),
      inject: [ConfigService],
    },
  ],
  exports: [PostgresService],
})
export class PostgresModule {
  /**
   * PostgresService without the connect at boot, for a service that only reports PostgreSQL
   * (the API's /health) and must start while it is down: the pool connects on first use, and
   * again after a lost connection.
   */
  static lazy(): DynamicModule {
    return {
      module: LazyPostgresModule,
      providers: [
        {
          provide: PostgresService,
          useFactory: (config: ConfigService) => new PostgresService(config.postgres),
          inject: [ConfigService],
        },
      ],
      exports: [PostgresService],
    };
  }
}
