import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { PostgresService } from './postgres.service';

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
export class PostgresModule {}
