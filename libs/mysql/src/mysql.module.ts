import { Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { MysqlService } from './mysql.service';

/** Provides MysqlService, connected at boot: a dependency that is down stops the app with a clear error. */
@Module({
  providers: [
    {
      provide: MysqlService,
      useFactory: (config: ConfigService) => new MysqlService(config.mysql).connect(),
      inject: [ConfigService],
    },
  ],
  exports: [MysqlService],
})
export class MysqlModule {}
