import cliProgress from 'cli-progress';
import type { MigrationProgress } from '../jobs/migrate-redis/types.js';

/** Shows a job's progress: a bar with rate and ETA on a terminal, plain lines otherwise. */
export interface ProgressDisplay {
  update(progress: MigrationProgress): void;
  /** A line (a skipped key, a difference) printed above the bar, whole. */
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

/** Terminal control: erase the line the cursor is on; turn the terminal's line wrapping on, off. */
const ERASE_LINE = '\r\x1b[2K';
const WRAP_ON = '\x1b[?7h';
const WRAP_OFF = '\x1b[?7l';

export function progressDisplay(stream: NodeJS.WritableStream, enabled: boolean): ProgressDisplay {
  if (!enabled)
    return { update: () => {}, log: (line) => stream.write(`${line}\n`), stop: () => {} };
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  return tty ? barDisplay(stream as NodeJS.WriteStream) : lineDisplay(stream);
}

/**
 * The bar. cli-progress turns the terminal's line wrapping off while it draws (so a bar wider
 * than the terminal is cut, not wrapped onto a second line it could not erase), which would also
 * cut a long report line; so a report line erases the bar, turns wrapping back on for itself, and
 * the bar is drawn again below it at once. The rate and ETA appear once there is a rate to show.
 */
function barDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let phase: MigrationProgress['phase'] | null = null;
  let started = performance.now();
  let startDone = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      // Redraw on every render, also when nothing changed: a report line has just erased it.
      forceRedraw: true,
      format: (_options, params, payload: { phase: string; speed: string }) => {
        // The bar takes what the terminal's width leaves (up to 40), so the line fits it.
        const head = `${payload.phase} [`;
        const tail = `] ${params.value}/${params.total} sessions${payload.speed}`;
        const size = Math.max(5, Math.min(40, params.maxWidth - head.length - tail.length - 1));
        const filled = Math.round(Math.min(1, Math.max(0, params.progress)) * size);
        return `${head}${'\u2588'.repeat(filled)}${'\u2591'.repeat(size - filled)}${tail}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  const speed = (progress: MigrationProgress): string => {
    const rate = rateOf(progress.done - startDone, started);
    if (rate === null) return '';
    const left = progress.total - progress.done;
    return left > 0 ? ` | ${rate}/s | ETA ${Math.ceil(left / rate)}s` : ` | ${rate}/s`;
  };
  return {
    update(progress) {
      if (progress.phase === 'count') return;
      if (phase !== progress.phase) {
        if (phase !== null) bar.stop();
        phase = progress.phase;
        started = performance.now();
        startDone = progress.done;
        bar.start(progress.total, progress.done, { phase: LABEL[progress.phase], speed: '' });
        return;
      }
      bar.setTotal(progress.total);
      bar.update(progress.done, { speed: speed(progress) });
    },
    log(line) {
      if (phase === null) {
        stream.write(`${line}\n`);
        return;
      }
      stream.write(`${ERASE_LINE}${WRAP_ON}${line}\n${WRAP_OFF}`);
      bar.render();
    },
    stop() {
      if (phase !== null) bar.stop();
      phase = null;
    },
  };
}

function lineDisplay(stream: NodeJS.WritableStream): ProgressDisplay {
  let phase: string | null = null;
  let started = performance.now();
  let startDone = 0;
  let lastLine = 0;
  let last: MigrationProgress | null = null;
  const print = (progress: MigrationProgress) => {
    lastLine = performance.now();
    const rate = rateOf(progress.done - startDone, started);
    const left = progress.total - progress.done;
    const speed = rate === null ? '' : ` | ${rate}/s`;
    const eta = rate !== null && left > 0 ? ` | ETA ${Math.ceil(left / rate)}s` : '';
    stream.write(
      `${LABEL[progress.phase]}: ${progress.done}/${progress.total} sessions${speed}${eta}\n`,
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
        startDone = progress.done;
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

/** Sessions a second since the phase started, or null while there is none to show yet. */
function rateOf(done: number, started: number): number | null {
  const seconds = (performance.now() - started) / 1000;
  if (done <= 0 || seconds <= 0) return null;
  return Math.max(1, Math.round(done / seconds));
}
