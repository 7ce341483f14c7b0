import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every module reachable from an entry point, static and lazy imports alike, as the built
 * package loads them: with `verbatimModuleSyntax`, each import that is not `import type` is
 * emitted as written, so the graph of src/ is the graph of dist/.
 */
function reachable(
  entry: string,
  { lazy }: { lazy: boolean } = { lazy: true },
): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const specifiers: string[] = [];
    const walk = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
        specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
      } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
        specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
      } else if (
        lazy &&
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        specifiers.push(node.arguments[0].text);
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  };
  visit(join(ROOT, entry));
  return {
    files: new Set([...files].map((file) => relative(ROOT, file))),
    packages,
  };
}

const SERVICE_PACKAGES = [
  'fastify',
  '@fastify/rate-limit',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  'pino',
  'prom-client',
  'jose',
];

describe('package entry points', () => {
  it('maps convstore, convstore/service and convstore/jobs to their modules, with types', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; import: string }>;
    };
    for (const [subpath, source] of [
      ['.', 'src/index.ts'],
      ['./service', 'src/service/index.ts'],
      ['./jobs', 'src/jobs/index.ts'],
    ] as const) {
      const target = manifest.exports[subpath]!;
      expect(target.import).toBe(`./${source.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')}`);
      expect(target.types).toBe(target.import.replace(/\.js$/, '.d.ts'));
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
  });

  it('convstore never loads the service, the CLI or the jobs, not even lazily', () => {
    const { files, packages } = reachable('src/index.ts');
    expect(files).toContain('src/stores/pglite/pglite-driver.ts'); // the walk follows lazy imports
    for (const file of files) expect(file).not.toMatch(/^src\/(service|cli|jobs|config)\//);
    for (const name of [...SERVICE_PACKAGES, 'commander', 'cli-progress']) {
      expect(packages, name).not.toContain(name);
    }
  });

  it('convstore/jobs never loads the service or the CLI', () => {
    const { files, packages } = reachable('src/jobs/index.ts');
    for (const file of files) expect(file).not.toMatch(/^src\/(service\/(?!auth\/)|cli\/)/);
    for (const name of [...SERVICE_PACKAGES, 'commander'])
      expect(packages, name).not.toContain(name);
  });

  it('convstore/service loads fastify only when a service starts', () => {
    const eager = reachable('src/service/index.ts', { lazy: false });
    for (const name of SERVICE_PACKAGES) expect(eager.packages, name).not.toContain(name);
    expect(reachable('src/service/index.ts').packages).toContain('fastify');
  });
});
