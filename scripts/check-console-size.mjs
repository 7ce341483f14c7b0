// The console's first load must stay small: every script the built page loads (its module
// script and the modules it preloads), gzipped as the service sends them, under the budget.
// Run by `npm run build:console` after vite build; fails the build above it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const dir = fileURLToPath(new URL('../dist/console/', import.meta.url));

const page = readFileSync(`${dir}index.html`, 'utf8');
const scripts = [
  ...page.matchAll(/<script[^>]+src="\/console\/([^"]+\.js)"/g),
  ...page.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/console\/([^"]+\.js)"/g),
].map((match) => match[1]);
if (scripts.length === 0) {
  console.error('check-console-size: the built page loads no script (is dist/console built?)');
  process.exit(1);
}
let total = 0;
for (const script of new Set(scripts)) {
  total += gzipSync(readFileSync(`${dir}${script}`), { level: 9 }).length;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
if (total > BUDGET_BYTES) {
  console.error(
    `check-console-size: first load ${kb(total)} of gzipped JS, over ${kb(BUDGET_BYTES)}`,
  );
  process.exit(1);
}
console.log(`console: first load ${kb(total)} of gzipped JS (budget ${kb(BUDGET_BYTES)})`);
