import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@amato/config';
import { createContext, type StackService } from './context';
import { StackError } from './runtime';
import { up } from './stack';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

function fakeService(port: number, overrides: Partial<StackService> = {}): StackService {
  return {
    name: 'fake',
    title: 'Fake DB',
    portSetting: 'AMATO_FAKE__PORT',
    endpoint: () => ({ host: '127.0.0.1', port }),
    start: () => Promise.reject(new Error('must not start')),
    ready: () => Promise.resolve(false),
    pid: () => undefined,
    stop: () => Promise.resolve(),
    ...overrides,
  };
}

describe(up.name, () => {
  const config = loadConfig({ configDir: resolve(__dirname, '../config'), env: {} });
  const ctx = createContext(
    { ...config, stack: { ...config.stack, dir: mkdtempSync(join(tmpdir(), 'amato-stack-')) } },
    resolve(__dirname, '..'),
    () => undefined,
  );

  it('refuses a port held by something that is not the service, naming the holder and the setting', async () => {
    const { server, port } = await listen();
    try {
      const failure = up(ctx, [fakeService(port)]);
      await expect(failure).rejects.toBeInstanceOf(StackError);
      await expect(failure).rejects.toThrow(
        new RegExp(
          `Fake DB: port ${port} on 127\\.0\\.0\\.1 is already taken by pid ${process.pid} .*AMATO_FAKE__PORT=<port>`,
        ),
      );
    } finally {
      server.close();
    }
  });

  it('uses a service already served on its port by someone else, without starting it', async () => {
    const { server, port } = await listen();
    try {
      const [state] = await up(ctx, [fakeService(port, { ready: () => Promise.resolve(true) })]);
      expect(state).toMatchObject({
        state: 'external',
        detail: expect.stringContaining(`pid ${process.pid}`),
      });
    } finally {
      server.close();
    }
  });

  it('leaves a service it already runs alone', async () => {
    const [state] = await up(ctx, [
      fakeService(1, { pid: () => 4242, ready: () => Promise.resolve(true) }),
    ]);
    expect(state).toMatchObject({ state: 'running', pid: 4242 });
  });

  it('reports a service whose process dies during start-up as failed, with its log', async () => {
    const { port } = await listen().then(({ server, port: p }) => {
      server.close();
      return { port: p };
    });
    const [state] = await up(ctx, [fakeService(port, { start: () => Promise.resolve() })]);
    expect(state?.state).toBe('failed');
    expect(state?.detail).toMatch(
      /Fake DB \(port \d+\): the process exited during start-up; see .*fake\.log/,
    );
  });
});
