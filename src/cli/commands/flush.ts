import { Command, Option } from 'commander';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';
import { integer, jsonOption, keyPrefixOption, schemaOption } from '../options.js';

interface FlushFlags {
  url: string;
  redisUrl: string;
  schema: string;
  keyPrefix?: string;
  maxHistory?: number;
  ttl?: number;
  once?: boolean;
  json?: boolean;
}

/**
 * `convstore flush`: the hybrid store's write-behind flusher as its own process. It writes the
 * Redis Stream into PostgreSQL with the same settings the store uses, acknowledging entries only
 * after the commit; several may run at once. Runs until SIGINT/SIGTERM, or with --once writes
 * what is queued and exits.
 */
export function flushCommand(context: CommandContext): Command {
  return new Command('flush')
    .description('run the write-behind flusher (hybrid store): Redis Stream -> PostgreSQL')
    .addOption(
      new Option('--url <url>', 'the PostgreSQL that keeps everything')
        .env('DATABASE_URL')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--redis-url <url>', 'the Redis in front of it')
        .env('REDIS_URL')
        .makeOptionMandatory(),
    )
    .addOption(schemaOption())
    .addOption(keyPrefixOption())
    .addOption(
      new Option('--max-history <n>', 'messages kept per session, as the store keeps them')
        .env('MAX_CONVERSATION_HISTORY')
        .argParser(integer(0)),
    )
    .addOption(
      new Option('--ttl <seconds>', 'sliding session TTL, as the store sets it')
        .env('CONVERSATION_TTL')
        .argParser(integer(0)),
    )
    .option('--once', 'write what is queued now, then exit')
    .addOption(jsonOption())
    .action((flags: FlushFlags) =>
      runCommand(context, flags.json, async (output) => {
        // Loaded only for this command: it brings the PostgreSQL and Redis clients with it.
        const { runFlusher } = await import('../../stores/hybrid/run-flusher.js');
        const report = await runFlusher({
          url: flags.url,
          schema: flags.schema,
          // 0 means "none", as in the service's settings.
          maxHistory: flags.maxHistory ? flags.maxHistory : null,
          ttlSeconds: flags.ttl ? flags.ttl : null,
          cache: {
            url: flags.redisUrl,
            writeMode: 'write-behind',
            ...(flags.keyPrefix === undefined ? {} : { keyPrefix: flags.keyPrefix }),
          },
          signal: context.signal,
          once: flags.once ?? false,
          log: (message) => output.note(message),
        });
        output.result(
          report,
          `flushed ${report.flushed} stream entr${report.flushed === 1 ? 'y' : 'ies'} ` +
            `(${report.failures} failed batch(es) retried)`,
        );
      }),
    );
}
