import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Integration and end-to-end tests talk to the real services. The README's test command starts
 * them; when a test file is run on its own, this says plainly what is missing. (It asks the stack
 * CLI rather than importing it: global setup runs outside jest's module mapping.)
 */
export default function requireStack(): void {
  const root = resolve(__dirname, '../../..');
  const result = spawnSync(
    process.execPath,
    [resolve(root, 'node_modules/tsx/dist/cli.mjs'), 'stack/cli.ts', 'status'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `the local stack is not ready; start it with \`npm run stack:up\`, or run every test with \`./amato test\`\n${result.stdout}${result.stderr}`,
    );
  }
}
