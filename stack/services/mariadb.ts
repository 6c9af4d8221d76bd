import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyMysqlSchema } from '@amato/ddl';
import { MysqlService } from '@amato/mysql';
import { type StackContext, pidFileLifecycle, type StackService } from '../context';
import { adapterConnects, usingAdapter, hasCommand, isRoot, run, spawnDetached } from '../runtime';

function serverCommand(): string {
  return hasCommand('mariadbd') ? 'mariadbd' : '/usr/sbin/mariadbd';
}

function socket(ctx: StackContext): string {
  return `/tmp/amato-mysql-${ctx.config.mysql.port}.sock`;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** MariaDB (the MySQL server of Debian) with its own data dir and port. */
export const mariadb: StackService = {
  name: 'mysql',
  title: 'MariaDB (MySQL)',
  debian: { command: 'mariadb-install-db', packages: ['mariadb-server', 'mariadb-client'] },
  portSetting: 'AMATO_MYSQL__PORT',
  endpoint: (ctx) => ({ host: ctx.config.mysql.host, port: ctx.config.mysql.port }),

  start(ctx) {
    const data = ctx.dataDir('mysql');
    const user = isRoot() ? ['--user=root'] : [];
    if (!existsSync(join(data, 'mysql'))) {
      run(
        'mariadb-install-db',
        [
          '--no-defaults',
          `--datadir=${data}`,
          ...user,
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
        ],
        { what: 'mariadb install-db' },
      );
    }
    const { host, port } = ctx.config.mysql;
    spawnDetached({
      command: serverCommand(),
      args: [
        '--no-defaults',
        `--datadir=${data}`,
        ...user,
        `--port=${port}`,
        `--bind-address=${host}`,
        `--socket=${socket(ctx)}`,
        '--skip-name-resolve',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        '--default-time-zone=+00:00',
        // MariaDB 10 announces itself to clients as "5.5.5-10.x": MySQL's JDBC driver (Trino's
        // mysql connector) takes that for MySQL 5.5, which had no fractional seconds, and reads
        // every DATETIME(3) as timestamp(0), failing on the milliseconds. Announced as the MySQL
        // release whose dialect MariaDB 10.11 speaks (5.7.19: the driver asks a later 5.7 for
        // transaction_isolation, which 10.11 names tx_isolation), the driver reads them as
        // timestamp(3). Other clients (mysql2, the mariadb CLI) do not depend on it.
        '--version=5.7.19-MariaDB-10.11',
        '--innodb-buffer-pool-size=256M',
        '--max-connections=300',
        '--log-error',
      ],
      logFile: ctx.logFile('mysql'),
      pidFile: ctx.pidFile('mysql'),
    });
    return Promise.resolve();
  },

  bootstrap(ctx) {
    const { user, password, database } = ctx.config.mysql;
    const account = `${quote(user)}@'%'`;
    // The app user owns the app database and may create others: each test owns its schema.
    const sql = [
      `CREATE DATABASE IF NOT EXISTS \`${database}\``,
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quote(password)}`,
      `ALTER USER ${account} IDENTIFIED BY ${quote(password)}`,
      `GRANT ALL PRIVILEGES ON *.* TO ${account} WITH GRANT OPTION`,
    ].join('; ');
    run('mariadb', ['--no-defaults', `--socket=${socket(ctx)}`, '-uroot', '-e', sql], {
      what: 'mysql bootstrap',
    });
    return Promise.resolve();
  },

  prepare: (ctx) =>
    usingAdapter(new MysqlService(ctx.config.mysql), (mysql) =>
      applyMysqlSchema(mysql, ctx.config.mysql.database, join(ctx.root, 'ddl')),
    ),

  ready: (ctx) => adapterConnects(new MysqlService(ctx.config.mysql)),

  ...pidFileLifecycle('mysql', 60_000),
};
