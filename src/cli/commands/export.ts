import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { openJobStore, writeWithBackpressure } from '../open-job-store.js';
import { jsonOption, storeUrl } from '../options.js';
import { addSettingOptions, readSettings } from '../setting-options.js';

interface ExportFlags {
  user?: string;
  session?: string;
  out: string;
  json?: boolean;
}

/** `convstore export`: a store's sessions and messages as NDJSON, to a file or stdout. */
export function exportCommand(context: CommandContext): Command {
  const command = new Command('export').description(
    'write sessions and messages (every field) as NDJSON: a user, a session or all',
  );
  return addSettingOptions(command, 'export')
    .option('--user <id>', "only this user's sessions")
    .option('--session <id>', 'only this session (needs --user)')
    .requiredOption('--out <file>', 'where to write: a file, or - for stdout')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nThe summary goes to stderr when the data goes to stdout (--out -). Example:\n' +
        '  convstore export --url pglite://./data --user alice --out alice.ndjson\n',
    )
    .action((flags: ExportFlags & Record<string, unknown>) => {
      const toStdout = flags.out === '-';
      // With the data on stdout, the summary (and --json) moves to stderr.
      const summaryContext = toStdout
        ? {
            ...context,
            streams: { stdout: context.streams.stderr, stderr: context.streams.stderr },
          }
        : context;
      return runCommand(summaryContext, flags.json, async (output) => {
        if (flags.session !== undefined && flags.user === undefined) {
          const { ValidationError } = await import('../../contract/errors.js');
          throw ValidationError.field('--session', 'needs --user');
        }
        const settings = readSettings('export', flags, context.env);
        const store = await openJobStore(storeUrl(settings), {
          schema: settings.schema,
          keyPrefix: settings.redisKeyPrefix,
        });
        const sink = toStdout ? context.streams.stdout : createWriteStream(flags.out);
        try {
          const { exportData } = await import('../../jobs/portability/export-data.js');
          const summary = await exportData(store, {
            ...(flags.user !== undefined && { userId: flags.user }),
            ...(flags.session !== undefined && { sessionId: flags.session }),
            write: (line) => writeWithBackpressure(sink, line),
            signal: context.signal,
          });
          output.result(
            summary,
            `exported ${summary.sessions} session(s), ${summary.messages} message(s)` +
              `${summary.agents ? ` and ${summary.agents} agent(s)` : ''} in ${summary.durationMs} ms` +
              (summary.interrupted ? ' (interrupted: the file is incomplete)' : ''),
          );
          return summary.interrupted ? EXIT.interrupted : EXIT.ok;
        } finally {
          if (!toStdout) {
            sink.end();
            await finished(sink);
          }
          await store.close();
        }
      }).then(() => {
        context.exitCode = summaryContext.exitCode;
      });
    });
}
