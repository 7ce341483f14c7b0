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
import { serveCommand } from './commands/serve.js';
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
  const context: CommandContext = {
    streams,
    env: options.env ?? process.env,
    exitCode: EXIT.ok,
    signal: options.signal ?? new AbortController().signal,
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are successes; anything else is a usage error, already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return context.exitCode;
}

function buildProgram(context: CommandContext): Command {
  const program = new Command('convstore')
    .description('convstore: the conversation store for AI chat apps, and the jobs around it')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 internal, 2 invalid input or usage, 3 not found, 4 conflict,\n' +
        '5 unavailable, 6 busy (another runner holds the lock), 7 schema mismatch,\n' +
        '8 verification found differences, 9 some source keys were unreadable,\n' +
        '10 unsupported by this store, 130 interrupted.\n',
    );
  for (const command of [
    serveCommand(context),
    dbCommand(context),
    cleanupCommand(context),
    migrateRedisCommand(context),
    flushCommand(context),
    benchCommand(context),
    exportCommand(context),
    importCommand(context),
    copyCommand(context),
  ]) {
    program.addCommand(command);
  }
  configure(program, context.streams);
  return program;
}

/** Every command (and sub-command) writes where the context says and never exits the process. */
function configure(command: Command, streams: OutputStreams): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => streams.stdout.write(text),
    writeErr: (text) => streams.stderr.write(text),
  });
  for (const child of command.commands) configure(child, streams);
}

/** The package's version; package.json sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
