import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface ConsoleFile {
  body: Buffer;
  /** The same bytes gzipped, for text files worth it; null otherwise. */
  gzipped: Buffer | null;
  type: string;
  /** Under assets/: the name carries a hash of the content, so it may be cached for good. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The built console, read once into memory at start (a few hundred KB): path under the folder
 * -> bytes, type, and a gzipped copy compressed once here rather than on every request. An
 * absent folder (a copy that was never built) is an empty map.
 */
export function loadConsoleFiles(dir: URL): Map<string, ConsoleFile> {
  const root = fileURLToPath(dir);
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(root)) return files;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full).split(sep).join('/');
    const type = TYPES[extname(entry.name)];
    if (!type) continue;
    const body = readFileSync(full);
    const compressible = !/^(image\/png|image\/x-icon|font\/)/.test(type) && body.length > 512;
    files.set(path, {
      body,
      gzipped: compressible ? gzipSync(body, { level: 9 }) : null,
      type,
      immutable: path.startsWith('assets/'),
    });
  }
  return files;
}
