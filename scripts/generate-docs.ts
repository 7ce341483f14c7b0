// Writes the parts of the docs that are derived from the code's tables, so they cannot drift:
// README.md's error, exit-code and settings tables (between `<!-- generated:NAME -->` and
// `<!-- /generated:NAME -->`) from the outcome table (src/contract/outcomes.ts) and the settings
// table (src/config/config-fields.ts), and .env.example from the service's settings.
// Run: `npm run docs`; CI runs `node --import tsx scripts/generate-docs.ts --check`, which
// fails when a generated part differs from what is committed.
import { readFileSync, writeFileSync } from 'node:fs';
import prettier from 'prettier';
import { CONFIG_FIELDS, SETTINGS, SETTING_COMMANDS } from '../src/config/config-fields.js';
import { settingsOf } from '../src/config/resolve-settings.js';
import { OUTCOMES } from '../src/contract/outcomes.js';

const check = process.argv.includes('--check');
let stale = 0;

async function update(path: string, generate: (text: string) => Promise<string>): Promise<void> {
  const current = readFileSync(path, 'utf8');
  const next = await generate(current);
  if (next === current) return;
  if (check) {
    console.error(`${path} is out of date: run npm run docs`);
    stale++;
  } else {
    writeFileSync(path, next);
    console.log(`wrote ${path}`);
  }
}

const README_TABLES: Record<string, () => string> = {
  'error-classes': () =>
    table(
      ['class', '`code`', 'HTTP', 'CLI exit', 'when'],
      OUTCOMES.filter((entry) => entry.kind === 'error').map((entry) => [
        `\`${entry.error}\``,
        `\`${entry.code}\``,
        String(entry.http),
        String(entry.exit),
        md(entry.doc),
      ]),
    ),
  'http-errors': () =>
    table(
      ['status', '`code`', 'when'],
      OUTCOMES.filter((entry) => entry.http !== null)
        .sort((a, b) => a.http! - b.http!)
        .map((entry) => [String(entry.http), `\`${entry.code}\``, md(entry.doc)]),
    ),
  'exit-codes': () => {
    const byExit = new Map<number, string[]>();
    for (const entry of OUTCOMES) {
      if (entry.exit === null) continue;
      const text = entry.kind === 'exit' ? entry.doc : `\`${entry.code}\``;
      byExit.set(entry.exit, [...(byExit.get(entry.exit) ?? []), text]);
    }
    byExit.get(2)!.push('or a usage error (an unknown command or flag, a bad or missing value)');
    const rows = [...byExit.entries()].sort(([a], [b]) => a - b);
    return table(
      ['code', 'meaning'],
      rows.map(([exit, texts]) => [String(exit), texts.join(', ')]),
    );
  },
  'service-settings': () =>
    table(
      ['variable', '`serve` flag', 'default', 'meaning'],
      settingsOf('serve').map((use) => [
        `\`${use.setting.env}\``,
        use.flag === null ? '(environment only)' : `\`--${use.flag}\``,
        defaultOf(use.setting.default),
        md(use.doc),
      ]),
    ),
  'cli-settings': () => {
    const rows = new Map<string, { env: string; fallback: string; doc: string; flags: string[] }>();
    for (const command of SETTING_COMMANDS) {
      if (command === 'serve') continue;
      for (const use of settingsOf(command)) {
        const row = rows.get(use.setting.key) ?? {
          env: use.setting.env,
          fallback: use.setting.default,
          doc: use.setting.doc,
          flags: [],
        };
        row.flags.push(`${command}: \`--${use.flag}\`${use.required ? ' (required)' : ''}`);
        rows.set(use.setting.key, row);
      }
    }
    return table(
      ['variable', 'flag per command', 'default', 'meaning'],
      [...rows.values()].map((row) => [
        `\`${row.env}\``,
        row.flags.join(', '),
        defaultOf(row.fallback),
        md(row.doc),
      ]),
    );
  },
};

/**
 * A doc line (plain text, as --help shows it) for Markdown: URLs, paths and the variables of the
 * table in code spans, outside the spans the line already has.
 */
function md(text: string): string {
  const names = new Set<string>(SETTINGS.map((setting) => setting.env));
  return text
    .split('`')
    .map((part, i) =>
      i % 2 === 1
        ? `\`${part}\``
        : part
            .replace(/[a-z+]+:\/\/[^\s,;)]*|(?<=^|\s)\/[\w/*.-]+/g, (token) => `\`${token}\``)
            .replace(/\b[A-Z][A-Z_]{2,}\b/g, (token) =>
              names.has(token) ? `\`${token}\`` : token,
            ),
    )
    .join('');
}

function defaultOf(value: string): string {
  return value === '' ? '(unset)' : `\`${value}\``;
}

function table(head: string[], rows: string[][]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function replaceBlock(text: string, name: string, content: string): string {
  const open = `<!-- generated:${name} (scripts/generate-docs.ts) -->`;
  const close = `<!-- /generated:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md: the markers of ${name} are missing: ${open} ... ${close}`);
  }
  return `${text.slice(0, start + open.length)}\n\n${content}\n\n${text.slice(end)}`;
}

async function format(text: string, path: string): Promise<string> {
  const options = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(text, { ...options, filepath: path });
}

function envExample(): string {
  const lines = [
    '# convstore service settings, generated from the settings table (npm run docs): copy to .env',
    '# (or export them) and change what you need. Every variable is optional; the values below are',
    '# the defaults. An empty value means unset. `npm start` reads the process environment (it does',
    '# not load .env by itself): e.g.',
    '#   set -a; . ./.env; set +a; npm start',
    '# The CLI jobs read the same variables (see the README, CLI).',
  ];
  for (const field of CONFIG_FIELDS)
    lines.push('', `# ${field.doc}`, `${field.env}=${field.default}`);
  return `${lines.join('\n')}\n`;
}

await update('README.md', async (text) => {
  let next = text;
  for (const [name, table] of Object.entries(README_TABLES))
    next = replaceBlock(next, name, table());
  return format(next, 'README.md');
});
await update('.env.example', () => Promise.resolve(envExample()));
process.exit(stale > 0 ? 1 : 0);
