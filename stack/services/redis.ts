import { RedisService } from '@amato/redis';
import { pidFileLifecycle, type StackService } from '../context';
import { adapterConnects, spawnDetached } from '../runtime';

/** Redis from Debian's redis-server, with its own data dir and append-only persistence. */
export const redis: StackService = {
  name: 'redis',
  title: 'Redis',
  debian: { command: 'redis-server', packages: ['redis-server', 'redis-tools'] },
  portSetting: 'AMATO_REDIS__PORT',
  endpoint: (ctx) => ({ host: ctx.config.redis.host, port: ctx.config.redis.port }),

  start(ctx) {
    const { host, port } = ctx.config.redis;
    spawnDetached({
      command: 'redis-server',
      args: [
        '--bind',
        host,
        '--port',
        String(port),
        '--dir',
        ctx.dataDir('redis'),
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        // The processor appends several MB a second at full speed: with the default 64 MB
        // floor, Redis forked a rewrite every ~10 s, each taking a core for a moment.
        '--auto-aof-rewrite-min-size',
        '512mb',
        '--save',
        '',
        '--protected-mode',
        'yes',
        '--daemonize',
        'no',
      ],
      logFile: ctx.logFile('redis'),
      pidFile: ctx.pidFile('redis'),
    });
    return Promise.resolve();
  },

  ready: (ctx) => adapterConnects(new RedisService(ctx.config.redis)),

  ...pidFileLifecycle('redis'),
};
