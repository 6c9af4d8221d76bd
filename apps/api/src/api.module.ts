import { type DynamicModule, Module } from '@nestjs/common';
import type { HealthIndicator } from '@amato/common';
import { type AppConfig, ConfigModule, ConfigService } from '@amato/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { FeaturesModule } from '@amato/features';
import { HEALTH_INDICATORS, HealthService } from '@amato/health';
import { KafkaService } from '@amato/kafka';
import { MetricsService } from '@amato/metrics';
import { MongoModule, MongoService } from '@amato/mongo';
import { MysqlModule, MysqlService } from '@amato/mysql';
import { PostgresModule, PostgresService } from '@amato/postgres';
import { RedisService } from '@amato/redis';
import { TrinoModule, TrinoService } from '@amato/trino';
import { AnalyticsReader } from '@amato/batch';
import { PredictionStore } from '@amato/models';
import { AnalyticsController } from './analytics/analytics.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { CustomerSessionsController } from './customers/customer-sessions.controller';
import { FeaturesController } from './features/features.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { CampaignController } from './models/campaign.controller';
import { LiveController } from './live/live.controller';
import { LiveTopics } from './live/live-topics';
import { OpsController } from './ops/ops.controller';
import { ForecastController } from './models/forecast.controller';
import { JourneyController } from './models/journey.controller';
import { ModelsController } from './models/models.controller';
import { PredictionsController } from './models/predictions.controller';
import { SegmentController } from './models/segment.controller';
import { ApiModels } from './models/serving';
import { RootController } from './root.controller';

const DEPENDENCIES = [
  KafkaService,
  RedisService,
  MysqlService,
  PostgresService,
  MongoService,
  TrinoService,
];

/**
 * The HTTP facade. None of its dependencies is connected at boot: the API starts, and serves
 * what does not need a store that is down, whichever it is; /health reports each one, and a
 * feature read while Redis is down answers 503 naming it.
 */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        FeaturesModule.lazy(),
        MysqlModule.lazy(),
        PostgresModule.lazy(),
        MongoModule.lazy(),
        TrinoModule.lazy(),
      ],
      controllers: [
        RootController,
        HealthController,
        MetricsController,
        FeaturesController,
        CustomerSessionsController,
        AnalyticsController,
        ModelsController,
        SegmentController,
        JourneyController,
        ForecastController,
        CampaignController,
        OpsController,
        LiveController,
        PredictionsController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        // KafkaModule connects at boot; the API only reports Kafka, whose client connects on
        // its first health check and again after a failed one.
        {
          provide: KafkaService,
          useFactory: (c: ConfigService) => new KafkaService(c.kafka),
          inject: [ConfigService],
        },
        {
          provide: AnalyticsReader,
          useFactory: (c: ConfigService, postgres: PostgresService) =>
            new AnalyticsReader(postgres, c.batch.analyticsSchema, c.postgres.schema),
          inject: [ConfigService, PostgresService],
        },
        ApiModels,
        LiveTopics,
        {
          provide: PredictionStore,
          useFactory: (c: ConfigService, redis: RedisService) =>
            new PredictionStore(
              redis.client,
              c.features.keyPrefix,
              c.features.sessionTtlHours * 3600,
            ),
          inject: [ConfigService, RedisService],
        },
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
