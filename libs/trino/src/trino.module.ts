import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { TrinoService } from './trino.service';

/** Provides TrinoService, connected at boot: a dependency that is down stops the app with a clear error. */
@Module({
  providers: [
    {
      provide: TrinoService,
      useFactory: (config: ConfigService) => new TrinoService(config.trino).connect(),
      inject: [ConfigService],
    },
  ],
  exports: [TrinoService],
})
export class TrinoModule {}
