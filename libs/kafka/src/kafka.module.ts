import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { KafkaService } from './kafka.service';

/** Provides KafkaService, connected at boot: a dependency that is down stops the app with a clear error. */
@Module({
  providers: [
    {
      provide: KafkaService,
      useFactory: (config: ConfigService) => new KafkaService(config.kafka).connect(),
      inject: [ConfigService],
    },
  ],
  exports: [KafkaService],
})
export class KafkaModule {}
