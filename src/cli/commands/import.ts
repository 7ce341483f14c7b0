import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { ValidationError } from '../../contract/errors.js';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { openJobStore } from '../open-job-store.js';
import { jsonOption, storeUrl } from '../options.js';
import { addSettingOptions, readSettings } from '../setting-options.js';

interface ImportFlags {
  in: string;
  migrate?: boolean;
  verify: boolean;
  json?: boolean;
}

/** `convstore import`: reads an export back, idempotently, and verifies every session. */
export function importCommand(context: CommandContext): Command {
  const command = new Command('import').description(
    'read an NDJSON export into a store (a re-run stores nothing twice) and verify it',
  );
  return addSettingOptions(command, 'import')
    .requiredOption('--in <file>', 'what to read: a file, or - for stdin')
    .option('--migrate', 'apply pending schema migrations to the target first')
    .option('--no-verify', 'skip comparing each imported session with the file')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExit 8 when a session in the store differs from the file after the import. Example:\n' +
        '  convstore import --url postgres://127.0.0.1/app --migrate --in alice.ndjson\n',
    )
    .action((flags: ImportFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        if (flags.in !== '-') {
          await access(flags.in, constants.R_OK).catch(() => {
            throw ValidationError.field('--in', 'is not a readable file');
          });
        }
        const settings = readSettings('import', flags, context.env);
        const store = await openJobStore(storeUrl(settings), {
          schema: settings.schema,
          keyPrefix: settings.redisKeyPrefix,
          ...(flags.migrate && { migrate: true }),
          ttlSeconds: settings.conversationTtl,
        });
        try {
          const { importData } = await import('../../jobs/portability/import-data.js');
          // Made just before it is read: readline drops lines that arrive before iteration.
          const input = flags.in === '-' ? process.stdin : createReadStream(flags.in);
          const lines = createInterface({ input, crlfDelay: Infinity });
          const summary = await importData(store, lines, {
            verify: flags.verify,
            signal: context.signal,
            onDifference: ({ userId, sessionId }) =>
              output.note(`differs: user ${userId} session ${sessionId}`),
          });
          output.result(
            summary,
            `imported ${summary.sessions} session(s), ${summary.messages} message(s) ` +
              `(${summary.inserted} stored by this run, the rest already there)` +
              (flags.verify
                ? summary.differences === 0
                  ? `; verified all ${summary.verified}`
                  : `; VERIFICATION FAILED: ${summary.differences} session(s) differ`
                : '') +
              (summary.interrupted ? '; interrupted: run again to resume' : ''),
          );
          if (summary.interrupted) return EXIT.interrupted;
          return summary.differences > 0 ? EXIT.verificationFailed : EXIT.ok;
        } finally {
          await store.close();
        }
      }),
    );
}
