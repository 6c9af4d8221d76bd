import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type AppConfig, loadConfig } from '@amato/config';

/**
 * The configuration tests run with: the repo's defaults plus the environment, validated, with
 * `overrides` as AMATO_* variables on top (a test's own topic prefix, group, key prefix, ...).
 */
export function testConfig(overrides: Readonly<Record<string, string>> = {}): AppConfig {
  return loadConfig({
    configDir: resolve(__dirname, '../../../config'),
    env: { ...process.env, ...overrides },
  });
}

/** A name no other test uses (topics, groups, schemas, key prefixes): `prefix_<random hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        done(port);
      });
    });
  });
}
