import { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { openJobStore } from '../open-job-store.js';
import { jsonOption } from '../options.js';
import { addSettingOptions, readSettings } from '../setting-options.js';
import { progressDisplay } from '../progress-display.js';

interface CopyFlags {
  from: string;
  to: string;
  fromSchema?: string;
  toSchema?: string;
  fromKeyPrefix?: string;
  toKeyPrefix?: string;
  user?: string;
  migrate?: boolean;
  verify?: boolean;
  progress: boolean;
  json?: boolean;
}

/** `convstore copy`: every session from any store to any other; resumable and verifiable. */
export function copyCommand(context: CommandContext): Command {
  const command = new Command('copy').description(
    'copy sessions, messages and agents from one store to another (any kinds)',
  );
  return addSettingOptions(command, 'copy')
    .requiredOption('--from <url>', 'source: pglite://<dir>, postgres://... or redis://...')
    .requiredOption('--to <url>', 'target: pglite://<dir>, postgres://... or redis://...')
    .option('--from-schema <name>', "the source's schema, when it differs from --schema")
    .option('--to-schema <name>', "the target's schema, when it differs from --schema")
    .option('--from-key-prefix <prefix>', 'a redis source: its key prefix')
    .option('--to-key-prefix <prefix>', 'a redis target: its key prefix')
    .option('--user <id>', "only this user's sessions")
    .option('--migrate', 'apply pending schema migrations to the target first')
    .option(
      '--verify',
      'then compare every session in both stores by digest; exit 8 on a difference',
    )
    .option('--no-progress', 'no progress bar or lines on stderr')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nRun it again after a kill (or Ctrl-C, exit 130) to resume: sessions already copied\n' +
        'whole are skipped, a half-copied one continues after its newest message, and no\n' +
        'message is stored twice. Example, from the embedded default to a PostgreSQL server:\n' +
        '  convstore copy --from pglite://./data --to postgres://127.0.0.1/app --migrate --verify\n',
    )
    .action((flags: CopyFlags & Record<string, unknown>) =>
      runCommand(context, flags.json, async (output) => {
        const { schema, conversationTtl } = readSettings('copy', flags, context.env);
        const progress = progressDisplay(context.streams.stderr, flags.progress);
        const from = await openJobStore(flags.from, {
          schema: flags.fromSchema ?? schema,
          ...(flags.fromKeyPrefix !== undefined && { keyPrefix: flags.fromKeyPrefix }),
        });
        try {
          const to = await openJobStore(flags.to, {
            schema: flags.toSchema ?? schema,
            ...(flags.migrate && { migrate: true }),
            ...(flags.toKeyPrefix !== undefined && { keyPrefix: flags.toKeyPrefix }),
            ttlSeconds: conversationTtl,
          });
          try {
            const { copyStore } = await import('../../jobs/portability/copy-store.js');
            const summary = await copyStore(from, to, {
              verify: flags.verify ?? false,
              ...(flags.user !== undefined && { userId: flags.user }),
              signal: context.signal,
              onProgress: (event) => progress.update(event),
              onDifference: ({ userId, sessionId }) =>
                progress.log(`differs: user ${userId} session ${sessionId}`),
            }).finally(() => progress.stop());
            const verification = summary.verification;
            output.result(
              summary,
              [
                `copied ${summary.sessions} session(s) with ${summary.messages} message(s) ` +
                  `(${summary.inserted} stored by this run; ${summary.skipped} session(s) ` +
                  `already complete) and ${summary.agents} agent(s) in ${summary.durationMs} ms`,
                ...(verification
                  ? [
                      verification.differences === 0
                        ? `verified: all ${verification.sessions} session(s) match`
                        : `VERIFICATION FAILED: ${verification.differences} of ` +
                          `${verification.sessions} session(s) differ`,
                    ]
                  : []),
                ...(summary.interrupted ? ['interrupted: run again to resume'] : []),
              ].join('\n'),
            );
            if (summary.interrupted) return EXIT.interrupted;
            return verification && verification.differences > 0 ? EXIT.verificationFailed : EXIT.ok;
          } finally {
            await to.close();
          }
        } finally {
          await from.close();
        }
      }),
    );
}
