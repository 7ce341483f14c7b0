import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { handleErrors } from '../../src/service/http/error-handling.js';
import { registerConsoleRoutes } from '../../src/service/routes/console-routes.js';

const dirs: string[] = [];
const apps: FastifyInstance[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The console's routes alone, serving a folder laid out as `vite build` lays it out. */
async function serve(files: Record<string, string> | null) {
  const dir = mkdtempSync(join(tmpdir(), 'convstore-console-'));
  dirs.push(dir);
  const root = join(dir, 'console');
  if (files) {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  }
  const app = Fastify();
  handleErrors(app);
  registerConsoleRoutes(app, pathToFileURL(`${root}/`));
  apps.push(app);
  await app.ready();
  return app;
}

const PAGE =
  '<!doctype html><div id="app"></div><script src="/console/assets/main-1a2b.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('the console routes', () => {
  it('serve the page, hashed assets for good, gzipped when asked, with their types', async () => {
    const app = await serve({ 'index.html': PAGE, 'assets/main-1a2b.js': SCRIPT });
    const page = await app.inject({ url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toBe(PAGE);

    const plain = await app.inject({ url: '/console/assets/main-1a2b.js' });
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    const gzipped = await app.inject({
      url: '/console/assets/main-1a2b.js',
      headers: { 'accept-encoding': 'gzip, deflate' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
  });

  it('redirect /console, answer the page for client routes and 404 for a missing asset', async () => {
    const app = await serve({ 'index.html': PAGE });
    const bare = await app.inject({ url: '/console' });
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/console/');
    expect((await app.inject({ url: '/console/sessions/trip' })).body).toBe(PAGE);
    const missing = await app.inject({ url: '/console/assets/gone-9z.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('say how to build it when this copy was never built', async () => {
    const app = await serve(null);
    const page = await app.inject({ url: '/console/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
  });
});
