import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  createLogger,
  exitOnFailure,
  NestPinoLogger,
  portOwnerHint,
  PortTakenError,
  setLogLevel,
} from '@amato/common';
import { type AppConfig, loadConfig } from '@amato/config';
import { MetricsService } from '@amato/metrics';
import { ApiModule } from './api.module';
import { API_KEY_SCHEME } from './auth/api-key.guard';

const logger = createLogger('api');

export async function createApi(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(config),
    // A /segment/batch of 10,000 customers with their 36 features is about 11 MB of JSON.
    new FastifyAdapter({ bodyLimit: 32 * 1024 * 1024 }),
    {
      logger: new NestPinoLogger(),
      abortOnError: false,
    },
  );
  app.enableShutdownHooks();

  const metrics = app.get(MetricsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.httpRequestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('AMATO API')
      .setDescription(
        'Real-time customer analytics: features, segments, journey predictions and analytics',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, API_KEY_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.log.level);
  const app = await createApi(config);
  const { host, port } = config.api;
  try {
    await app.listen(port, host);
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      await app.close();
      throw new PortTakenError('api.port', host, port, 'AMATO_API__PORT', portOwnerHint(port));
    }
    throw err;
  }
  logger.info(
    { url: `http://${host}:${port}`, docs: `http://${host}:${port}/docs` },
    'AMATO API listening',
  );
}

if (require.main === module) {
  main().catch(exitOnFailure('api', logger));
}
