import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { HttpException, HttpStatus } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  ConfigError,
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
import { API_KEY_SCHEME, presented } from './auth/api-key.guard';

const logger = createLogger('api');

/** Where `npm run build:dashboard` puts the dashboard (from apps/api/src and dist/apps/api alike). */
export const DASHBOARD_DIR = join(__dirname, '..', '..', '..', 'dist', 'dashboard');

/** Open routes that carry no data, and are not limited: health checks, docs, the page. */
const UNLIMITED = /^\/(health|docs|dashboard)(\/|\?|$)/;

/**
 * A rate limit per API key (per address for requests without one): beyond `requests` in a
 * window, a 429 whose Retry-After says when to come back. Keys are counted by their hash, so
 * the limiter's memory never holds one.
 */
async function limitRate(
  app: NestFastifyApplication,
  limit: AppConfig['api']['rateLimit'],
): Promise<void> {
  await app.register(fastifyRateLimit, {
    max: limit.requests,
    timeWindow: limit.windowMs,
    allowList: (request) => UNLIMITED.test(request.url),
    keyGenerator: (request) => {
      const key = presented(request);
      return key === undefined
        ? `address:${request.ip}`
        : `key:${createHash('sha256').update(key).digest('hex')}`;
    },
    // Thrown by the limiter's hook (after its Retry-After header is set): the exception filter
    // answers it as every other error, { statusCode, error, message }.
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        `rate limit: at most ${context.max} requests per ${context.after} for this API key (api.rateLimit); retry after ${Math.ceil(context.ttl / 1000)} s (Retry-After)`,
        HttpStatus.TOO_MANY_REQUESTS,
      ),
  });
}

/**
 * The dashboard's assets at /dashboard/, open like /docs: they hold no data, and every call the
 * page makes carries the key. Not built yet: a 503 that says how to build them.
 */
async function serveDashboard(app: NestFastifyApplication, dir: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  if (!existsSync(join(dir, 'index.html'))) {
    const notBuilt = `the dashboard is not built (no ${join(dir, 'index.html')}): run npm run build:dashboard (./amato start does)`;
    for (const url of ['/dashboard', '/dashboard/*']) {
      fastify.get(url, (_request, reply) => {
        void reply
          .status(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: notBuilt });
      });
    }
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/dashboard',
    decorateReply: false,
    redirect: true,
  });
}

export async function createApi(
  config: AppConfig,
  options: { dashboardDir?: string } = {},
): Promise<NestFastifyApplication> {
  if (config.api.apiKeys.length === 0)
    throw new ConfigError(
      [
        {
          key: 'api.apiKeys',
          problem:
            'no API key is set, and every route but /health and /docs needs one: set ' +
            'AMATO_API__API_KEYS=key1,key2 (each at least 16 characters; ./amato start makes one ' +
            'in .stack/api-key)',
        },
      ],
      'environment',
    );
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

  await limitRate(app, config.api.rateLimit);
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
      // 3.1: the request and response schemas are JSON Schema (TypeBox), which 3.0 is not
      // (a numeric exclusiveMinimum, a null type).
      .setOpenAPIVersion('3.1.0')
      .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, API_KEY_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await serveDashboard(app, options.dashboardDir ?? DASHBOARD_DIR);
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
