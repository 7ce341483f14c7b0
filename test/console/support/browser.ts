import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = process.env.CONVSTORE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Outside CI a machine without Chromium skips the browser tests; in CI that is a failure. */
export const BROWSER_TESTS = existsSync(CHROMIUM) || process.env.CI === 'true';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The tests serve dist/console: build it when it is missing or older than console/. */
export function ensureConsoleBuilt(): void {
  const built = join(ROOT, 'dist/console/index.html');
  const newest = Math.max(
    ...readdirSync(join(ROOT, 'console'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const build = spawnSync('npm', ['run', 'build:console'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build:console failed:\n${build.stderr}`);
}
