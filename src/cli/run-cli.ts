import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CommandContext } from './command-context.js';
import { benchCommand } from './commands/bench.js';
import { copyCommand } from './commands/copy.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { cleanupCommand } from './commands/cleanup.js';
import { dbCommand } from './commands/db.js';
import { flushCommand } from './commands/flush.js';
import { migrateRedisCommand } from './commands/migrate-redis.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { exitCodeLines } from '../contract/outcomes.js';
import { EXIT } from './exit-codes.js';
import type { OutputStreams } from './output.js';

export interface RunCliOptions {
  streams?: OutputStreams;
  /** Where `serve` reads its settings and DATA_DIR comes from (flags' own env: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Aborts long jobs between batches; main.ts wires SIGINT/SIGTERM to it. */
  signal?: AbortSignal;
}

/**
 * Parses the arguments, runs one command and returns the exit code. Nothing here calls
 * process.exit, so tests can run the CLI in-process and a command's output is fully flushed.
 */
export async function runCli(
  argv: readonly string[],
  options: RunCliOptions = {},
): Promise<number> {
  const streams = options.streams ?? process;
  // With --json, stdout carries exactly one JSON document whatever happens: what commander
  // itself writes (help, version, argument errors) is held back and wrapped into one.
  const json = wantsJson(argv);
  const held = { stdout: '', stderr: '' };
  const context: CommandContext = {
    streams,
    env: options.env ?? process.env,
    exitCode: EXIT.ok,
    signal: options.signal ?? new AbortController().signal,
  };
  const program = buildProgram(context, json ? held : null);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are successes; anything else is a usage error, already printed.
      const ok = error.exitCode === 0;
      if (json) {
        const document = ok
          ? { output: held.stdout }
          : { error: { code: 'invalid_input', message: commanderMessage(error) } };
        streams.stdout.write(`${JSON.stringify(document)}\n`);
        if (held.stderr) streams.stderr.write(held.stderr);
      }
      return ok ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return context.exitCode;
}

/**
 * Whether the command line asks for --json (before any `--`). `bench` parses its own flags, and
 * its `--json <file>` names a file.
 */
function wantsJson(argv: readonly string[]): boolean {
  if (argv[0] === 'bench') return false;
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** commander's message without its `error: ` lead, e.g. `unknown option '--nope'`. */
function commanderMessage(error: CommanderError): string {
  return error.message.replace(/^error: /, '');
}

function buildProgram(
  context: CommandContext,
  held: { stdout: string; stderr: string } | null,
): Command {
  const program = new Command('convstore')
    .description('convstore: the conversation store for AI chat apps, and the jobs around it')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `\nExit codes:\n${exitCodeLines()
        .map((line) => `  ${line}\n`)
        .join('')}`,
    );
  for (const command of [
    serveCommand(context),
    dbCommand(context),
    cleanupCommand(context),
    migrateRedisCommand(context),
    flushCommand(context),
    reportCommand(context),
    benchCommand(context),
    exportCommand(context),
    importCommand(context),
    copyCommand(context),
  ]) {
    program.addCommand(command);
  }
  configure(program, context.streams, held);
  return program;
}

/**
 * Every command (and sub-command) writes where the context says and never exits the process;
 * with `held`, what commander writes itself is kept there for one JSON document.
 */
function configure(
  command: Command,
  streams: OutputStreams,
  held: { stdout: string; stderr: string } | null,
): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => (held ? (held.stdout += text) : streams.stdout.write(text)),
    writeErr: (text) => (held ? (held.stderr += text) : streams.stderr.write(text)),
  });
  for (const child of command.commands) configure(child, streams, held);
}

/** The package's version; package.json sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
