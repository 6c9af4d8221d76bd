import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { MongoService } from './mongo.service';

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
export class MongoModule {}
