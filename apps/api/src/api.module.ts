import { type DynamicModule, Module } from '@nestjs/common';
import type { HealthIndicator } from '@amato/common';
import { type AppConfig, ConfigModule } from '@amato/config';
import { APP_GUARD } from '@nestjs/core';
import { FeaturesModule } from '@amato/features';
import { HEALTH_INDICATORS, HealthService } from '@amato/health';
import { KafkaModule, KafkaService } from '@amato/kafka';
import { MetricsService } from '@amato/metrics';
import { MongoModule, MongoService } from '@amato/mongo';
import { MysqlModule, MysqlService } from '@amato/mysql';
import { PostgresModule, PostgresService } from '@amato/postgres';
import { RedisModule, RedisService } from '@amato/redis';
import { TrinoModule, TrinoService } from '@amato/trino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { FeaturesController } from './features/features.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { RootController } from './root.controller';

const DEPENDENCIES = [
  KafkaService,
  RedisService,
  MysqlService,
  PostgresService,
  MongoService,
  TrinoService,
];

/** The HTTP facade. Its dependencies connect at boot; /health reports them afterwards. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        KafkaModule,
        RedisModule,
        MysqlModule,
        PostgresModule,
        MongoModule,
        TrinoModule,
        FeaturesModule,
      ],
      controllers: [RootController, HealthController, MetricsController, FeaturesController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        MetricsService,
        HealthService,
        {
          provide: HEALTH_INDICATORS,
          useFactory: (...indicators: HealthIndicator[]) => indicators,
          inject: DEPENDENCIES,
        },
      ],
    };
  }
}
