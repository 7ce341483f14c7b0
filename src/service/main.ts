#!/usr/bin/env node
// `npm start`: the HTTP service, configured from the environment (see .env.example).
import { loadServiceConfig } from '../config/load-service-config.js';
import { ConvstoreError, ERROR_STATUS, ValidationError } from '../contract/errors.js';
import { startService } from './start-service.js';
import { watchParent } from './watch-parent.js';

async function main(): Promise<void> {
  const parent = process.ppid;
  const config = loadServiceConfig(process.env);
  const service = await startService(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`convstore: ${signal}: finishing requests in flight, then closing\n`);
    service.close().then(
      () => {
        process.stdout.write('convstore: stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`convstore: shutdown failed: ${describe(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  watchParent(() => stop('npm exited'), parent);
}

function describe(error: unknown): string {
  if (error instanceof ConvstoreError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  const prefix =
    error instanceof ValidationError
      ? 'convstore: invalid configuration: '
      : 'convstore: cannot start: ';
  process.stderr.write(`${prefix}${describe(error)}\n`);
  // The CLI's exit codes: 2 a bad setting, 5 the database does not answer or its PGlite
  // directory is in use elsewhere, 7 a schema mismatch, 1 anything else.
  process.exit(error instanceof ConvstoreError ? ERROR_STATUS[error.code].exit : 1);
});
