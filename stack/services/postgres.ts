import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyPostgresSchema } from '@amato/ddl';
import { PostgresService } from '@amato/postgres';
import type { StackContext, StackService } from '../context';
import {
  adapterConnects,
  usingAdapter,
  isAlive,
  isRoot,
  readPid,
  run,
  StackError,
} from '../runtime';

const SYSTEM_USER = 'postgres';

/** Debian installs PostgreSQL under /usr/lib/postgresql/<major>/bin; the newest major wins. */
function binDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const major = majors.find((m) => existsSync(join(base, m, 'bin', 'postgres')));
  if (!major)
    throw new StackError('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return join(base, major, 'bin');
}

/**
 * PostgreSQL refuses to run as root: as root, its commands run as the `postgres` system user,
 * from `/` (the checkout may be a folder that user cannot enter).
 */
function runAsServer(command: string, args: string[], what: string) {
  return isRoot()
    ? run('runuser', ['-u', SYSTEM_USER, '--', command, ...args], { what, cwd: '/' })
    : run(command, args, { what });
}

function serverUserCanWrite(path: string): boolean {
  if (!isRoot()) return true;
  const probe = spawnSync('runuser', ['-u', SYSTEM_USER, '--', 'test', '-w', path], {
    stdio: 'ignore',
    cwd: '/',
  });
  return probe.status === 0;
}

function chownToServer(path: string): void {
  if (isRoot()) run('chown', [`${SYSTEM_USER}:`, path]);
}

interface ClusterPaths {
  readonly data: string;
  readonly log: string;
}

/**
 * The cluster lives in .stack/data/postgres and logs to .stack/logs/postgres.log. When the server
 * user cannot reach those (a checkout in a private folder, as mktemp makes), both go to
 * /var/lib/postgresql/amato-<hash of the stack folder>, and the .stack paths link to them.
 */
function clusterPaths(ctx: StackContext): ClusterPaths {
  const data = join(ctx.dir, 'data', 'postgres');
  const log = ctx.logFile('postgres');
  if (existsSync(data)) {
    return { data: realpathSync(data), log: existsSync(log) ? realpathSync(log) : log };
  }
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chownToServer(data);
  writeFileSync(log, '', { flag: 'a' });
  chownToServer(log);
  if (serverUserCanWrite(data) && serverUserCanWrite(log)) return { data, log };

  rmSync(data, { recursive: true, force: true });
  rmSync(log, { force: true });
  const hash = createHash('sha256').update(ctx.dir).digest('hex').slice(0, 12);
  const outside = `/var/lib/postgresql/amato-${hash}`;
  const paths = { data: join(outside, 'data'), log: join(outside, 'postgres.log') };
  mkdirSync(paths.data, { recursive: true, mode: 0o700 });
  writeFileSync(paths.log, '', { flag: 'a' });
  run('chown', ['-R', `${SYSTEM_USER}:`, outside]);
  symlinkSync(paths.data, data);
  symlinkSync(paths.log, log);
  ctx.say(`postgres: ${ctx.dir} is not reachable by the postgres user; cluster kept in ${outside}`);
  return paths;
}

function socketDir(ctx: StackContext): string {
  // Unix socket paths are limited to ~107 bytes, so the socket lives in /tmp, named per port.
  const dir = `/tmp/amato-pg-${ctx.config.postgres.port}`;
  mkdirSync(dir, { recursive: true });
  chownToServer(dir);
  return dir;
}

function pgCtl(ctx: StackContext, args: string[], what: string): void {
  runAsServer(join(binDir(), 'pg_ctl'), ['-D', clusterPaths(ctx).data, ...args], what);
}

function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function ident(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** PostgreSQL from Debian's packages, as the project's own cluster on its own port. */
export const postgres: StackService = {
  name: 'postgres',
  title: 'PostgreSQL',
  debian: { command: 'pg_config', packages: ['postgresql', 'postgresql-contrib'] },
  portSetting: 'AMATO_POSTGRES__PORT',
  endpoint: (ctx) => ({ host: ctx.config.postgres.host, port: ctx.config.postgres.port }),

  start(ctx) {
    const { data, log } = clusterPaths(ctx);
    if (!existsSync(join(data, 'PG_VERSION'))) {
      runAsServer(
        join(binDir(), 'initdb'),
        [
          '-D',
          data,
          '-U',
          SYSTEM_USER,
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
        ],
        'postgres initdb',
      );
    }
    const { host, port } = ctx.config.postgres;
    const options = `-p ${port} -c listen_addresses=${host} -k ${socketDir(ctx)} -c max_connections=200 -c shared_buffers=256MB -c fsync=on`;
    // pg_ctl daemonizes the server and waits (-w) until it accepts connections.
    pgCtl(ctx, ['-l', log, '-o', options, '-w', '-t', '120', 'start'], 'postgres start');
    return Promise.resolve();
  },

  bootstrap(ctx) {
    const { user, password, database, port } = ctx.config.postgres;
    const psql = (sql: string, db = 'postgres'): string => {
      const args = [
        '-h',
        socketDir(ctx),
        '-p',
        String(port),
        '-U',
        SYSTEM_USER,
        '-d',
        db,
        '-v',
        'ON_ERROR_STOP=1',
        '-tAc',
        sql,
      ];
      return runAsServer('psql', args, 'postgres bootstrap').stdout.trim();
    };
    const roleExists = psql(`SELECT 1 FROM pg_roles WHERE rolname = ${sqlLiteral(user)}`) === '1';
    psql(
      `${roleExists ? 'ALTER' : 'CREATE'} ROLE ${ident(user)} LOGIN CREATEDB PASSWORD ${sqlLiteral(password)}`,
    );
    if (psql(`SELECT 1 FROM pg_database WHERE datname = ${sqlLiteral(database)}`) !== '1') {
      psql(`CREATE DATABASE ${ident(database)} OWNER ${ident(user)}`);
    }
    return Promise.resolve();
  },

  prepare: (ctx) =>
    usingAdapter(new PostgresService(ctx.config.postgres), (postgres) =>
      applyPostgresSchema(postgres, ctx.config.postgres.schema, join(ctx.root, 'ddl')),
    ),

  ready: (ctx) => adapterConnects(new PostgresService(ctx.config.postgres)),

  pid(ctx) {
    // The first line of postmaster.pid is the server's pid while it runs.
    const pidFile = join(ctx.dir, 'data', 'postgres', 'postmaster.pid');
    const pid = readPid(pidFile);
    return isAlive(pid) ? pid : undefined;
  },

  stop(ctx) {
    if (postgres.pid(ctx) !== undefined) pgCtl(ctx, ['-m', 'fast', '-w', 'stop'], 'postgres stop');
    return Promise.resolve();
  },
};
