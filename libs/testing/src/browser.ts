import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium for the dashboard's browser tests (`./amato stack browser` installs it;
 * AMATO_CHROMIUM names another binary). Headless, and without the sandbox, which needs user
 * namespaces a container running as root does not give.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.AMATO_CHROMIUM ?? findChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

function findChromium(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not this one
    }
  }
  throw new Error(
    "no Chromium for the dashboard's browser tests: install it with ./amato stack browser (Debian's chromium), or point AMATO_CHROMIUM at one",
  );
}
