import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@amato/config';
import { MysqlService } from './mysql.service';

@Module({})
class LazyMysqlModule {}

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
export class MysqlModule {
  /**
   * MysqlService without the connect at boot, for a service that only reports MySQL (the
   * API's /health) and must start while it is down: the pool connects on first use, and
   * again after a lost connection.
   */
  static lazy(): DynamicModule {
    return {
      module: LazyMysqlModule,
      providers: [
        {
          provide: MysqlService,
          useFactory: (config: ConfigService) => new MysqlService(config.mysql),
          inject: [ConfigService],
        },
      ],
      exports: [MysqlService],
    };
  }
}
