import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { RedisService } from './redis.service';

/** How long a command of a lazily connected service (one answering requests) may take. */
const LAZY_COMMAND_TIMEOUT_MS = 2_000;

@Module({})
class LazyRedisModule {}

/** Provides RedisService, connected at boot: a dependency that is down stops the app with a clear error. */
@Module({
  providers: [
    {
      provide: RedisService,
      useFactory: (config: ConfigService) => new RedisService(config.redis).connect(),
      inject: [ConfigService],
    },
  ],
  exports: [RedisService],
})
export class RedisModule {
  /**
   * RedisService without the connect at boot, for a service that must start and keep serving
   * (its health, its other routes) while Redis is down: the client connects on first use and
   * reconnects until Redis is back, and a command fails after LAZY_COMMAND_TIMEOUT_MS rather
   * than waiting for it.
   */
  static lazy(): DynamicModule {
    return {
      module: LazyRedisModule,
      providers: [
        {
          provide: RedisService,
          useFactory: (config: ConfigService) =>
            new RedisService(config.redis, { commandTimeoutMs: LAZY_COMMAND_TIMEOUT_MS }),
          inject: [ConfigService],
        },
      ],
      exports: [RedisService],
    };
  }
}
