import { Command } from 'commander';
import { ValidationError } from '../../contract/errors.js';
import type { CommandContext } from '../command-context.js';
import { runCommand } from '../command-context.js';

/**
 * `convstore bench [flags]`: the benchmark program (src/bench), which parses its own flags
 * (`--quick`, `--stores`, `--json <file>`, ...). Loaded only when run: it pulls in the peer
 * libraries it compares against (LangChain, autocannon), which the store itself never needs.
 */
export function benchCommand(context: CommandContext): Command {
  return new Command('bench')
    .description('measure the stores side by side against the physical floors (npm run bench)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', "the benchmark's own flags; see convstore bench --help")
    .action((flags: string[]) =>
      runCommand(context, false, async (output) => {
        const { BENCH_USAGE, parseBenchArgs, UsageRequest } =
          await import('../../bench/parse-bench-args.js');
        const usage = BENCH_USAGE.replace('npm run bench --', 'convstore bench');
        let options: ReturnType<typeof parseBenchArgs>;
        try {
          options = parseBenchArgs(flags);
        } catch (error) {
          if (error instanceof UsageRequest) {
            output.result(usage, usage);
            return;
          }
          output.note(usage);
          throw ValidationError.field('bench', (error as Error).message);
        }
        const { runBenchCommand } = await import('../../bench/run-command.js');
        const { result, text } = await runBenchCommand(options, (line) => output.note(line));
        output.result(result, text);
      }),
    );
}
