import cliProgress from 'cli-progress';
import type { MigrationProgress } from '../jobs/migrate-redis/types.js';

/** Shows a job's progress: a bar with rate and ETA on a terminal, plain lines otherwise. */
export interface ProgressDisplay {
  update(progress: MigrationProgress): void;
  /** A line (a skipped key, a difference) that must not land in the middle of the bar. */
  log(line: string): void;
  stop(): void;
}

const LABEL: Record<MigrationProgress['phase'], string> = {
  count: 'counting',
  migrate: 'migrating',
  verify: 'verifying',
  delete: 'deleting source',
};

/** Plain lines are printed at most this often (and at every phase's start and end). */
const LINE_EVERY_MS = 1000;

export function progressDisplay(stream: NodeJS.WritableStream, enabled: boolean): ProgressDisplay {
  if (!enabled)
    return { update: () => {}, log: (line) => stream.write(`${line}\n`), stop: () => {} };
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  return tty ? barDisplay(stream) : lineDisplay(stream);
}

function barDisplay(stream: NodeJS.WritableStream): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: '{phase} [{bar}] {value}/{total} sessions | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | null = null;
  let started = performance.now();
  return {
    update(progress) {
      if (progress.phase === 'count') return;
      const rate = rateOf(progress.done, started);
      if (phase !== progress.phase) {
        if (phase !== null) bar.stop();
        phase = progress.phase;
        started = performance.now();
        bar.start(progress.total, progress.done, { phase: LABEL[progress.phase], rate: 0 });
        return;
      }
      bar.setTotal(progress.total);
      bar.update(progress.done, { rate });
    },
    log(line) {
      // Clear the bar's line, print, and let the next update draw the bar again below.
      stream.write(`\r\x1b[2K${line}\n`);
    },
    stop() {
      if (phase !== null) bar.stop();
    },
  };
}

function lineDisplay(stream: NodeJS.WritableStream): ProgressDisplay {
  let phase: string | null = null;
  let started = performance.now();
  let lastLine = 0;
  let last: MigrationProgress | null = null;
  const print = (progress: MigrationProgress) => {
    lastLine = performance.now();
    const rate = rateOf(progress.done, started);
    const left = progress.total - progress.done;
    const eta = rate > 0 && left > 0 ? ` | ETA ${Math.ceil(left / rate)}s` : '';
    stream.write(
      `${LABEL[progress.phase]}: ${progress.done}/${progress.total} sessions | ${rate}/s${eta}\n`,
    );
  };
  return {
    update(progress) {
      if (progress.phase === 'count') {
        stream.write('counting source sessions...\n');
        return;
      }
      if (phase !== progress.phase) {
        if (last && phase !== null) print(last);
        phase = progress.phase;
        started = performance.now();
        print(progress);
      } else if (performance.now() - lastLine >= LINE_EVERY_MS) print(progress);
      last = progress;
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {
      if (last) print(last);
    },
  };
}

function rateOf(done: number, started: number): number {
  const seconds = (performance.now() - started) / 1000;
  return seconds > 0 ? Math.round(done / seconds) : 0;
}
