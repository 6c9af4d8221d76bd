import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..');

function generator(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'apps/generator/src/main.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, AMATO_LOG__LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('amato generator CLI', () => {
  it('explains every flag with --help', () => {
    const { status, stdout } = generator(['--help']);
    expect(status).toBe(0);
    for (const flag of [
      '--scale',
      '--seed',
      '--end',
      '--days',
      '--rate',
      '--batch',
      '--dry-run',
      '--summary',
    ]) {
      expect(stdout).toContain(flag);
    }
  }, 60_000);

  it.each([
    [['--scale', '0'], '--scale must be between 0.01 and 10, got "0"'],
    [['--seed=-1'], '--seed must be a non-negative integer below 2^32, got "-1"'],
    [['--end', '2026-13-01'], '--end must be a date YYYY-MM-DD, got "2026-13-01"'],
    [['--colour'], "Unknown option '--colour'"],
  ])(
    'rejects %j with exit code 2 and says why',
    (args, message) => {
      const { status, stderr } = generator(args);
      expect(status).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).toContain('see --help');
    },
    60_000,
  );

  it('generates the same counts in a dry run as the plan promises', () => {
    const { status, stdout } = generator(['--scale', '0.01', '--dry-run']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/generated \(dry run\): 18,0\d\d events/);
    expect(stdout).toMatch(/customers\s+100\n/);
    expect(stdout).toMatch(/page_views\s+8,000/);
  }, 60_000);
});
