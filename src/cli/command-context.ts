import { toConnectionError } from '../stores/sql/sql-errors.js';
import { createOutput, type Output, type OutputStreams } from './output.js';
import { exitCodeOf } from './exit-codes.js';

/** What every command is given: the streams to write to and a way to report its exit code. */
export interface CommandContext {
  streams: OutputStreams;
  env: NodeJS.ProcessEnv;
  /** The process's exit code once the command returns. */
  exitCode: number;
  /** A signal that aborts on SIGINT/SIGTERM, for jobs that stop between batches. */
  signal: AbortSignal;
}

/**
 * Runs a command body with its output, turning any thrown error into a printed error and the
 * exit code its type maps to. Commands return their own exit code (0 when all went well).
 */
export async function runCommand(
  context: CommandContext,
  json: boolean | undefined,
  body: (output: Output) => Promise<number | void>,
): Promise<void> {
  const output = createOutput(json ?? false, context.streams);
  try {
    context.exitCode = (await body(output)) ?? 0;
  } catch (error) {
    output.error(error);
    context.exitCode = exitCodeOf(error);
  }
}

/**
 * Runs work against the PostgreSQL of `url`: a failure to reach it or log into it (a wrong host,
 * role, password or database name) becomes an UnavailableError (exit 5) that names the host and
 * database, never the password, instead of a bare "unavailable" or "internal".
 */
export async function onDatabase<T>(url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw /^postgres(ql)?:\/\//.test(url) ? toConnectionError(error, url) : error;
  }
}
