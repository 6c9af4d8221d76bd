import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { TrinoService } from './trino.service';

@Module({})
class LazyTrinoModule {}

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
export class TrinoModule {
  /**
   * TrinoService without the wait at boot for a coordinator that answers, for a service that
   * only reports Trino (the API's /health) and must start while it is down (each query is its
   * own sequence of HTTP requests: nothing to reconnect).
   */
  static lazy(): DynamicModule {
    return {
      module: LazyTrinoModule,
      providers: [
        {
          provide: TrinoService,
          useFactory: (config: ConfigService) => new TrinoService(config.trino),
          inject: [ConfigService],
        },
      ],
      exports: [TrinoService],
    };
  }
}
