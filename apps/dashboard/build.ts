/**
 * Builds the dashboard's assets into dist/dashboard (served by the API at /dashboard): its
 * TypeScript and Chart.js bundled by esbuild, with the page and its style beside them.
 *
 *   npm run build:dashboard [-- --out DIR]
 *
 * ./amato start and ./amato test run it; a user never needs to.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const HERE = __dirname;
export const DASHBOARD_OUT = resolve(HERE, '..', '..', 'dist', 'dashboard');

export async function buildDashboard(out = DASHBOARD_OUT): Promise<string> {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(HERE, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: join(out, 'app.js'),
    tsconfig: join(HERE, 'src', 'tsconfig.json'),
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(HERE, file), join(out, file));
  return out;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('usage: npm run build:dashboard [-- --out DIR]   (default dist/dashboard)');
    process.exit(0);
  }
  buildDashboard(values.out ? resolve(values.out) : undefined).then(
    (out) => {
      console.log(`dashboard built into ${out}`);
    },
    (err: unknown) => {
      console.error(
        `building the dashboard failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(1);
    },
  );
}
