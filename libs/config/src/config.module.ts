import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './config.schema';
import { loadConfig } from './config.loader';
import { ConfigService } from './config.service';

@Global()
@Module({})
export class ConfigModule {
  /** Loads and validates the configuration once; a bad value stops boot with a ConfigError. */
  static forRoot(values: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: ConfigService, useValue: new ConfigService(values) }],
      exports: [ConfigService],
    };
  }
}
