import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { RedisModule, RedisService } from '@amato/redis';
import { FeatureStore } from './feature-store';

/** FeatureStore on the service's Redis connection, with the `features` settings. */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: FeatureStore,
      useFactory: (config: ConfigService, redis: RedisService) =>
        new FeatureStore(redis.client, {
          keyPrefix: config.features.keyPrefix,
          dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
          sessionTtlSeconds: config.features.sessionTtlHours * 3600,
        }),
      inject: [ConfigService, RedisService],
    },
  ],
  exports: [FeatureStore, RedisModule],
})
export class FeaturesModule {}
