import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { RedisModule, RedisService } from '@amato/redis';
import { FeatureStore } from './feature-store';

const featureStore: Provider = {
  provide: FeatureStore,
  useFactory: (config: ConfigService, redis: RedisService) =>
    new FeatureStore(redis.client, {
      keyPrefix: config.features.keyPrefix,
      dedupeHorizonMs: config.features.dedupeHours * 3_600_000,
      sessionTtlSeconds: config.features.sessionTtlHours * 3600,
    }),
  inject: [ConfigService, RedisService],
};

@Module({})
class LazyFeaturesModule {}

/** FeatureStore on the service's Redis connection, with the `features` settings. */
@Module({
  imports: [RedisModule],
  providers: [featureStore],
  exports: [FeatureStore, RedisModule],
})
export class FeaturesModule {
  /**
   * The same on a Redis connection made on first use (RedisModule.lazy): a service that reads
   * features starts while Redis is down, and its reads fail, each with a
   * DependencyUnavailableError, until Redis is back.
   */
  static lazy(): DynamicModule {
    const redis = RedisModule.lazy();
    return {
      module: LazyFeaturesModule,
      imports: [redis],
      providers: [featureStore],
      exports: [FeatureStore, redis],
    };
  }
}
