import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Who listens on a TCP port, as `pid N (command line)`, where `ss` (iproute2) can tell. */
export function portOwner(port: number): string | undefined {
  const result = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (result.error) return undefined;
  const match = /pid=(\d+)/.exec(result.stdout);
  if (!match?.[1]) return undefined;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${match[1]}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    // The process may have exited meanwhile.
  }
  return `pid ${match[1]}${cmdline ? ` (${cmdline.slice(0, 120)})` : ''}`;
}

/** ` (held by pid N (...))` for a message, or nothing when the owner cannot be told. */
export function portOwnerHint(port: number): string {
  const owner = portOwner(port);
  return owner ? ` (held by ${owner})` : '';
}
