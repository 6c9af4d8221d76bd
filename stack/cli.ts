import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, setLogLevel } from '@amato/common';
import { loadConfig } from '@amato/config';
import { createContext, type StackService } from './context';
import { StackError, tailFile } from './runtime';
import { SERVICES } from './services';
import { BROWSER, down, ensureDebianPackages, formatStates, status, up } from './stack';

const HELP = `AMATO local stack: Kafka, Redis, PostgreSQL, MariaDB (MySQL), a MongoDB wire-protocol
server and Trino, installed from Debian packages and Maven Central and run natively on loopback.

usage: npm run stack -- <command> [service...] [options]
       (or npx tsx stack/cli.ts <command> ...)

commands:
  up [service...]      install what is missing, start what is not running, wait until each
                       answers; a service already served on its port is used as it is
  down [service...]    stop the services this checkout started (data is kept)
  status               each service's endpoint, state and pid; exit 1 if any is not ready
  logs <service>       print the end of a service's log  (-n LINES, -f to follow)
  config               print the effective configuration (defaults + overlay + environment)
  browser              install Debian's Chromium if it is missing (the dashboard's browser
                       tests drive it; ./amato test runs this)

services: ${SERVICES.map((s) => s.name).join(', ')}  (default: all)
options:
  -n, --lines N        lines of log to print (default 50)
  -f, --follow         keep printing the log as it grows
  -h, --help           this text

Downloads, data and logs live under stack.dir (default .stack/); ports and versions come from
config/default.yaml and AMATO_* variables (see README.md).`;

function pick(names: readonly string[]): StackService[] {
  if (names.length === 0) return [...SERVICES];
  return names.map((name) => {
    const service = SERVICES.find((s) => s.name === name);
    if (!service) {
      throw new StackError(
        `unknown service "${name}"; known: ${SERVICES.map((s) => s.name).join(', ')}`,
      );
    }
    return service;
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      lines: { type: 'string', short: 'n', default: '50' },
      follow: { type: 'boolean', short: 'f' },
    },
  });
  const [command, ...names] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  const root = resolve(__dirname, '..');
  const config = loadConfig({ configDir: resolve(root, 'config') });
  // Readiness probes expect refusals while services start; their client logs are noise here.
  setLogLevel(process.env.AMATO_LOG__LEVEL ?? 'silent');
  const ctx = createContext(config, root, (message) => {
    console.log(`[stack] ${message}`);
  });

  switch (command) {
    case 'browser': {
      ensureDebianPackages(ctx, [BROWSER]);
      console.log(`browser: ${BROWSER.debian.command} is installed`);
      return 0;
    }
    case 'up': {
      const began = Date.now();
      const states = await up(ctx, pick(names));
      console.log(formatStates(ctx, states));
      const failed = states.some((s) => s.state === 'failed');
      console.log(
        failed
          ? 'stack: NOT ready'
          : `stack: ready in ${((Date.now() - began) / 1000).toFixed(1)} s`,
      );
      return failed ? 1 : 0;
    }
    case 'down':
      console.log(formatStates(ctx, await down(ctx, pick(names))));
      return 0;
    case 'status': {
      const states = await status(ctx, pick(names));
      console.log(formatStates(ctx, states));
      return states.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
    }
    case 'logs': {
      const [service] = pick(names);
      if (!service || names.length !== 1)
        throw new StackError('logs takes exactly one service name');
      const file = ctx.logFile(service.name);
      if (!existsSync(file)) throw new StackError(`no log yet for ${service.name} (${file})`);
      const lines = Number.parseInt(values.lines, 10);
      if (!Number.isInteger(lines) || lines < 1)
        throw new StackError(`--lines must be a positive integer, got "${values.lines}"`);
      if (!values.follow) {
        console.log(tailFile(file, lines).replace(/^ {4}\| /gm, ''));
        return 0;
      }
      const tail = spawn('tail', ['-n', String(lines), '-F', file], { stdio: 'inherit' });
      return new Promise((done) =>
        tail.on('exit', (code) => {
          done(code ?? 0);
        }),
      );
    }
    case 'config':
      console.log(JSON.stringify(config, null, 2));
      return 0;
    default:
      throw new StackError(`unknown command "${command}"; see --help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof StackError || err instanceof ConfigError) {
      console.error(`stack: ${err.message}`);
      process.exitCode = err instanceof ConfigError ? 2 : 1;
    } else if (
      err instanceof TypeError &&
      'code' in err &&
      String(err.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`stack: ${err.message}; see --help`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  },
);
