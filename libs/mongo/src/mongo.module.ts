import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { MongoService } from './mongo.service';

@Module({})
class LazyMongoModule {}

/** Provides MongoService, connected at boot: a dependency that is down stops the app with a clear error. */
@Module({
  providers: [
    {
      provide: MongoService,
      useFactory: (config: ConfigService) => new MongoService(config.mongo).connect(),
      inject: [ConfigService],
    },
  ],
  exports: [MongoService],
})
export class MongoModule {
  /**
   * MongoService without the connect at boot, for a service that only reports MongoDB (the
   * API's /health) and must start while it is down: its health check connects the client, on
   * first use and again after a failed attempt.
   */
  static lazy(): DynamicModule {
    return {
      module: LazyMongoModule,
      providers: [
        {
          provide: MongoService,
          useFactory: (config: ConfigService) => new MongoService(config.mongo),
          inject: [ConfigService],
        },
      ],
      exports: [MongoService],
    };
  }
}
