import { createServer, type Server } from 'node:http';
import { portOwnerHint, PortTakenError } from '@amato/common';
import type { MetricsService } from './metrics.service';

export interface MetricsServerOptions {
  readonly host: string;
  /** 0: any free port (see server.address()). */
  readonly port: number;
  /** The config key and variable that move the port, named when it is taken. */
  readonly setting: string;
  readonly env: string;
}

/**
 * A plain HTTP server with `/metrics` (Prometheus text) for services that have no HTTP API of
 * their own (the sink, the processor). A port already taken fails with the holder named.
 */
export function serveMetrics(
  metrics: MetricsService,
  options: MetricsServerOptions,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('see /metrics\n');
      return;
    }
    metrics.render().then(
      (body) => response.writeHead(200, { 'content-type': metrics.contentType }).end(body),
      (err: unknown) => response.writeHead(500).end(String(err)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new PortTakenError(
              options.setting,
              options.host,
              options.port,
              options.env,
              portOwnerHint(options.port),
            )
          : err,
      );
    });
    server.listen(options.port, options.host, () => {
      resolve(server);
    });
  });
}
