import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console: built by `npm run build` into dist/console, which the service serves at
 * /console (src/service/routes/console-routes.ts). Preact's JSX through Vite's own transform,
 * so no Babel; every dependency is bundled, nothing is loaded from elsewhere at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  // `npx vite --config console/vite.config.ts`: the API of a service on :3000 behind it.
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/readyz', '/metrics'].map((path) => [path, 'http://127.0.0.1:3000']),
    ),
  },
});
