import { join } from 'node:path';
import { applyMongoSchema } from '@amato/ddl';
import { MongoService } from '@amato/mongo';
import { type StackContext, pidFileLifecycle, type StackService } from '../context';
import { findJava } from '../java';
import { fetchArtifacts } from '../maven';
import { adapterConnects, usingAdapter, spawnDetached } from '../runtime';

function libDir(ctx: StackContext): string {
  return join(ctx.optDir, `mongo-java-server-${ctx.config.stack.mongo.version}`, 'lib');
}

/**
 * A MongoDB wire-protocol server (mongo-java-server) from Maven Central, with its H2 backend
 * (on disk) or its memory backend, as stack.mongo.backend says.
 */
export const mongo: StackService = {
  name: 'mongo',
  title: 'MongoDB (mongo-java-server)',
  portSetting: 'AMATO_MONGO__PORT',
  endpoint: (ctx) => ({ host: ctx.config.mongo.host, port: ctx.config.mongo.port }),

  install(ctx) {
    fetchArtifacts(
      ctx,
      'mongo',
      [
        {
          groupId: 'de.bwaldvogel',
          artifactId: 'mongo-java-server-h2-backend',
          version: ctx.config.stack.mongo.version,
        },
        {
          groupId: 'de.bwaldvogel',
          artifactId: 'mongo-java-server-memory-backend',
          version: ctx.config.stack.mongo.version,
        },
      ],
      libDir(ctx),
    );
    return Promise.resolve();
  },

  start(ctx) {
    const { host, port } = ctx.config.mongo;
    const { backend } = ctx.config.stack.mongo;
    const store = backend === 'h2' ? ['h2', join(ctx.dataDir('mongo'), 'mongo.mv')] : ['memory'];
    spawnDetached({
      command: findJava(ctx, 17, 'mongo-java-server'),
      args: [
        `-Xmx${ctx.config.stack.mongo.heapMb}m`,
        '-cp',
        `${libDir(ctx)}/*`,
        join(ctx.root, 'stack', 'mongo', 'MongoServerMain.java'),
        host,
        String(port),
        ...store,
      ],
      logFile: ctx.logFile('mongo'),
      pidFile: ctx.pidFile('mongo'),
    });
    return Promise.resolve();
  },

  prepare: (ctx) =>
    usingAdapter(new MongoService(ctx.config.mongo), (mongo) =>
      applyMongoSchema(mongo, ctx.config.mongo.database, join(ctx.root, 'ddl')),
    ),

  ready: (ctx) => adapterConnects(new MongoService(ctx.config.mongo)),

  ...pidFileLifecycle('mongo'),
};
