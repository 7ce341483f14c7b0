import { describe, expect, it } from 'vitest';
import { progressDisplay } from '../../src/cli/progress-display.js';
import { FakeTerminal } from './support/fake-terminal.js';

/** Lets the writes queued on the stream land on the fake screen. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('migrate-redis progress on a terminal (issue 9, point 16)', () => {
  it('prints report lines above the bar, whole, and the bar again below them', async () => {
    const terminal = new FakeTerminal(60);
    const display = progressDisplay(terminal, true);
    display.update({ phase: 'count', done: 0, total: 0 });
    display.update({ phase: 'migrate', done: 0, total: 50 });
    display.update({ phase: 'migrate', done: 10, total: 50 });
    const long = `differs: chat:${'x'.repeat(70)}: the source has 1 message(s), the target 15`;
    display.log('unreadable, skipped: chat:broken-1: message 2: not JSON');
    display.log(long);
    display.update({ phase: 'migrate', done: 20, total: 50 });
    await settled();

    // The bar redraws on its own timer: wait until it shows the last update.
    await expect.poll(() => terminal.screen().at(-1)).toContain('20/50 sessions');
    const screen = terminal.screen();
    expect(screen[0]).toBe('unreadable, skipped: chat:broken-1: message 2: not JSON');
    // Longer than the terminal is wide: wrapped onto the next row, not cut.
    expect(screen.slice(1, 1 + Math.ceil(long.length / 60)).join('')).toBe(long);
    const bar = screen.at(-1)!;
    expect(bar).toMatch(/^migrating \[/);
    expect(screen).toHaveLength(1 + 1 + Math.ceil(long.length / 60));
    display.stop();
  });

  it('shows no rate and no ETA until there is a rate', async () => {
    const terminal = new FakeTerminal(120);
    const display = progressDisplay(terminal, true);
    display.update({ phase: 'migrate', done: 0, total: 50 });
    await settled();
    const first = terminal.screen().at(-1)!;
    expect(first).toContain('0/50 sessions');
    expect(first).not.toMatch(/\/s|ETA/);
    display.update({ phase: 'migrate', done: 25, total: 50 });
    await expect
      .poll(() => terminal.screen().at(-1))
      .toMatch(/25\/50 sessions \| \d+\/s \| ETA \d+s$/);
    display.stop();
  });

  it('plain lines (no terminal) carry no rate on their first line either', async () => {
    let written = '';
    const { Writable } = await import('node:stream');
    const stream = new Writable({
      write(chunk: Buffer, _, done) {
        written += chunk.toString();
        done();
      },
    });
    const display = progressDisplay(stream, true);
    display.update({ phase: 'migrate', done: 0, total: 50 });
    display.log('differs: k: the source has 1 message(s), the target 15');
    display.update({ phase: 'migrate', done: 50, total: 50 });
    display.stop();
    await settled();
    const lines = written.trim().split('\n');
    expect(lines[0]).toBe('migrating: 0/50 sessions');
    expect(lines[1]).toBe('differs: k: the source has 1 message(s), the target 15');
    expect(lines.at(-1)).toMatch(/^migrating: 50\/50 sessions \| \d+\/s$/);
  });
});
