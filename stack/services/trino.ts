import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrinoService } from '@amato/trino';
import { type StackContext, pidFileLifecycle, type StackService } from '../context';
import { findJava } from '../java';
import { fetchArtifacts } from '../maven';
import { adapterConnects, run, spawnDetached } from '../runtime';

const PLUGINS = ['memory', 'mysql', 'postgresql', 'mongodb'] as const;
// Trino 449's jars are Java 22 bytecode.
const MIN_JAVA = 22;

function home(ctx: StackContext): string {
  return join(ctx.optDir, `trino-${ctx.config.stack.trino.version}`);
}

function properties(entries: Record<string, string | number>): string {
  return (
    Object.entries(entries)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
  );
}

/** Catalogs named as in config trino.catalogs, each pointing at the stack's store. */
function writeCatalogs(ctx: StackContext, dir: string): void {
  const { mysql, postgres, mongo, trino, stack } = ctx.config;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const catalogs: Record<string, Record<string, string | number>> = {
    [trino.catalogs.memory]: {
      'connector.name': 'memory',
      'memory.max-data-per-node': `${stack.trino.memoryCatalogMb}MB`,
    },
    [trino.catalogs.mysql]: {
      'connector.name': 'mysql',
      'connection-url': `jdbc:mysql://${mysql.host}:${mysql.port}`,
      'connection-user': mysql.user,
      'connection-password': mysql.password,
    },
    [trino.catalogs.postgresql]: {
      'connector.name': 'postgresql',
      'connection-url': `jdbc:postgresql://${postgres.host}:${postgres.port}/${postgres.database}`,
      'connection-user': postgres.user,
      'connection-password': postgres.password,
    },
    [trino.catalogs.mongodb]: {
      'connector.name': 'mongodb',
      'mongodb.connection-url': `mongodb://${mongo.host}:${mongo.port}/`,
      // Mongo databases and collections may be mixed-case; Trino names are lower-case.
      'mongodb.case-insensitive-name-matching': 'true',
      // Replies of at most 10,000 documents: the local wire server otherwise answers a scan in
      // one message, which the driver refuses beyond 48 MB (about 150,000 clickstream rows).
      'mongodb.cursor-batch-size': '10000',
    },
  };
  for (const [name, entries] of Object.entries(catalogs)) {
    writeFileSync(join(dir, `${name}.properties`), properties(entries));
  }
}

/**
 * Trino assembled from Maven Central: trino-main with Trino's own version pins, the connector
 * plugin zips, and a stand-in for the launcher class. Runs on Java 22+.
 */
export const trino: StackService = {
  name: 'trino',
  title: 'Trino',
  portSetting: 'AMATO_TRINO__PORT',
  endpoint: (ctx) => ({ host: ctx.config.trino.host, port: ctx.config.trino.port }),

  install(ctx) {
    const version = ctx.config.stack.trino.version;
    const lib = join(home(ctx), 'lib');
    fetchArtifacts(
      ctx,
      'trino',
      [{ groupId: 'io.trino', artifactId: 'trino-main', version }],
      lib,
      {
        bom: { groupId: 'io.trino', artifactId: 'trino-root', version },
      },
    );
    const launcherJar = join(lib, 'amato-trino-launcher.jar');
    if (!existsSync(launcherJar)) {
      const classes = join(home(ctx), 'launcher-classes');
      run(
        'javac',
        ['--release', '17', '-d', classes, join(ctx.root, 'stack', 'trino', 'TrinoServer.java')],
        {
          what: 'trino launcher compile',
        },
      );
      run('jar', ['cf', launcherJar, '-C', classes, '.'], { what: 'trino launcher jar' });
    }
    const zips = join(home(ctx), 'zips');
    fetchArtifacts(
      ctx,
      'trino-plugins',
      PLUGINS.map((p) => ({ groupId: 'io.trino', artifactId: `trino-${p}`, version, type: 'zip' })),
      zips,
      { transitive: false },
    );
    const pluginDir = join(home(ctx), 'plugin');
    for (const plugin of PLUGINS) {
      const target = join(pluginDir, plugin);
      if (existsSync(target)) continue;
      // Each zip holds one folder trino-<plugin>-<version>/ with the plugin's jars.
      const staging = join(pluginDir, `.unpack-${plugin}`);
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      run('unzip', ['-q', join(zips, `trino-${plugin}-${version}.zip`), '-d', staging], {
        what: `trino ${plugin} plugin unzip`,
      });
      const [inner] = readdirSync(staging);
      if (!inner) throw new Error(`trino-${plugin}-${version}.zip is empty`);
      renameSync(join(staging, inner), target);
      rmSync(staging, { recursive: true, force: true });
    }
    findJava(ctx, MIN_JAVA, 'Trino');
    return Promise.resolve();
  },

  start(ctx) {
    const { version, heapMb } = ctx.config.stack.trino;
    const { host, port } = ctx.config.trino;
    const data = ctx.dataDir('trino');
    const etc = join(data, 'etc');
    mkdirSync(etc, { recursive: true });
    writeCatalogs(ctx, join(etc, 'catalog'));
    // Memory limits must leave headroom inside the heap, or Trino refuses to start.
    const perNode = Math.floor(heapMb * 0.4);
    writeFileSync(
      join(etc, 'config.properties'),
      properties({
        coordinator: 'true',
        'node-scheduler.include-coordinator': 'true',
        'http-server.http.port': port,
        'node.bind-ip': host,
        'node.internal-address': host,
        'discovery.uri': `http://${host}:${port}`,
        'http-server.log.path': join(data, 'var', 'log', 'http-request.log'),
        'query.max-memory': `${perNode}MB`,
        'query.max-memory-per-node': `${perNode}MB`,
        'memory.heap-headroom-per-node': `${Math.floor(heapMb * 0.25)}MB`,
        'plugin.dir': join(home(ctx), 'plugin'),
        'catalog.config-dir': join(etc, 'catalog'),
      }),
    );
    writeFileSync(join(etc, 'log.properties'), properties({ 'io.trino': 'INFO' }));
    spawnDetached({
      command: findJava(ctx, MIN_JAVA, 'Trino'),
      // Trino's recommended jvm.config, with an explicit heap for this 2-core, shared machine.
      args: [
        '-server',
        `-Xmx${heapMb}m`,
        '-XX:+UseG1GC',
        '-XX:G1HeapRegionSize=32M',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-XX:+ExitOnOutOfMemoryError',
        '-XX:-OmitStackTraceInFastThrow',
        '-XX:ReservedCodeCacheSize=256M',
        '-XX:PerMethodRecompilationCutoff=10000',
        '-XX:PerBytecodeRecompilationCutoff=10000',
        '-XX:+EnableDynamicAgentLoading',
        '-Djdk.attach.allowAttachSelf=true',
        '-Djdk.nio.maxCachedBufferSize=2000000',
        '-Dfile.encoding=UTF-8',
        '--enable-native-access=ALL-UNNAMED',
        `-Dtrino.version=${version}`,
        `-Dconfig=${join(etc, 'config.properties')}`,
        `-Dlog.levels-file=${join(etc, 'log.properties')}`,
        '-Dnode.environment=amato',
        '-Dnode.id=amato-trino-1',
        `-Dnode.data-dir=${data}`,
        '-cp',
        `${join(home(ctx), 'lib')}/*`,
        'io.trino.server.TrinoServer',
      ],
      cwd: data,
      logFile: ctx.logFile('trino'),
      pidFile: ctx.pidFile('trino'),
    });
    return Promise.resolve();
  },

  ready: (ctx) => adapterConnects(new TrinoService(ctx.config.trino)),

  ...pidFileLifecycle('trino', 30_000),
};
