import { ConvstoreError, ValidationError } from '../contract/errors.js';

/**
 * Where a command's results go. With --json, stdout carries exactly one JSON document (the result
 * or `{ "error": ... }`) for scripts; otherwise people get lines of text. Progress and warnings
 * always go to stderr, so they never mix into what a script parses.
 */
export interface Output {
  readonly json: boolean;
  /** The command's result: `text` for people, `data` for --json. */
  result(data: unknown, text: string): void;
  /** A line of progress or a warning, on stderr. */
  note(text: string): void;
  error(error: unknown): void;
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function createOutput(json: boolean, streams: OutputStreams = process): Output {
  return {
    json,
    result(data, text) {
      streams.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
    },
    note(text) {
      streams.stderr.write(`${text}\n`);
    },
    error(error) {
      const described = describeError(error);
      if (json) streams.stdout.write(`${JSON.stringify({ error: described })}\n`);
      streams.stderr.write(`convstore: ${described.code}: ${described.message}\n`);
    },
  };
}

/**
 * What an error says to the operator. Store errors are written never to hold message content; an
 * unexpected error prints only its class and message (never its cause's data).
 */
export function describeError(error: unknown): {
  code: string;
  message: string;
  issues?: unknown;
} {
  if (error instanceof ValidationError) {
    return { code: error.code, message: error.message, issues: error.issues };
  }
  if (error instanceof ConvstoreError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'internal', message };
}
