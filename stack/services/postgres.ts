import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PostgresService } from '@amato/postgres';
import type { StackContext, StackService } from '../context';
import { adapterConnects, isRoot, run, StackError } from '../runtime';

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

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` system user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', SYSTEM_USER, '--', command, ...args]] : [command, args];
}

function serverUserCanUse(path: string): boolean {
  if (!isRoot()) return true;
  return (
    spawnSync('runuser', ['-u', SYSTEM_USER, '--', 'test', '-w', path], { stdio: 'ignore' })
      .status === 0
  );
}

/**
 * The cluster lives in .stack/data/postgres. When the server user cannot reach that folder (a
 * checkout under a private directory, as mktemp makes), the cluster goes to
 * /var/lib/postgresql/amato-<hash of the folder> and .stack/data/postgres links to it.
 */
function clusterDir(ctx: StackContext): string {
  const inStack = join(ctx.dir, 'data', 'postgres');
  if (existsSync(inStack)) return inStack;
  const parent = dirname(inStack);
  mkdirSync(parent, { recursive: true });
  if (isRoot()) run('chown', [`${SYSTEM_USER}:`, parent]);
  if (serverUserCanUse(parent)) {
    mkdirSync(inStack);
    if (isRoot()) run('chown', [`${SYSTEM_USER}:`, inStack]);
    return inStack;
  }
  const hash = createHash('sha256').update(ctx.dir).digest('hex').slice(0, 12);
  const outside = `/var/lib/postgresql/amato-${hash}`;
  mkdirSync(outside, { recursive: true, mode: 0o700 });
  run('chown', [`${SYSTEM_USER}:`, outside]);
  symlinkSync(outside, inStack);
  ctx.say(`postgres: ${parent} is not reachable by the postgres user; cluster kept in ${outside}`);
  return inStack;
}

function socketDir(ctx: StackContext): string {
  // Unix socket paths are limited to ~107 bytes, so the socket lives in /tmp, named per port.
  const dir = `/tmp/amato-pg-${ctx.config.postgres.port}`;
  mkdirSync(dir, { recursive: true });
  if (isRoot()) run('chown', [`${SYSTEM_USER}:`, dir]);
  return dir;
}

function pgCtl(ctx: StackContext, args: string[], what: string): void {
  const [command, full] = asServerUser(join(binDir(), 'pg_ctl'), ['-D', clusterDir(ctx), ...args]);
  run(command, full, { what });
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
    const data = clusterDir(ctx);
    const log = ctx.logFile('postgres');
    if (!existsSync(join(data, 'PG_VERSION'))) {
      const [command, args] = asServerUser(join(binDir(), 'initdb'), [
        '-D',
        data,
        '-U',
        SYSTEM_USER,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
      ]);
      run(command, args, { what: 'postgres initdb' });
    }
    if (isRoot()) {
      // pg_ctl writes the server log as the server user.
      run('touch', [log]);
      run('chown', [`${SYSTEM_USER}:`, log]);
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
      const [command, args] = asServerUser('psql', [
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
      ]);
      return run(command, args, { what: 'postgres bootstrap' }).stdout.trim();
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

  ready: (ctx) => adapterConnects(new PostgresService(ctx.config.postgres)),

  pid(ctx) {
    const data = join(ctx.dir, 'data', 'postgres');
    if (!existsSync(join(data, 'postmaster.pid'))) return undefined;
    const [command, args] = asServerUser(join(binDir(), 'pg_ctl'), ['-D', data, 'status']);
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.error) return undefined;
    const match = /PID: (\d+)/.exec(result.stdout);
    return result.status === 0 && match?.[1] ? Number(match[1]) : undefined;
  },

  stop(ctx) {
    if (postgres.pid(ctx) !== undefined) pgCtl(ctx, ['-m', 'fast', '-w', 'stop'], 'postgres stop');
    return Promise.resolve();
  },
};
