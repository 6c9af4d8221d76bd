import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { RedisService } from './redis.service';

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
export class RedisModule {}
