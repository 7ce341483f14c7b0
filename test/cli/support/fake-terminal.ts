import { Writable } from 'node:stream';

/**
 * A terminal for tests: a writable stream that says it is a TTY of `columns` columns and keeps the
 * screen its writes would draw. It understands what cli-progress and readline write: carriage
 * return, newline, erase line (ESC[2K), erase to the right (ESC[0K), cursor to a column (ESC[nG),
 * relative moves (ESC[nA/B/C/D), line wrapping on and off (ESC[?7h / ESC[?7l); it ignores the
 * cursor's visibility (ESC[?25h/l). With wrapping off, text past the last column overwrites it,
 * as a real terminal does.
 */
export class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly rows = 24;
  readonly lines: string[] = [''];
  private row = 0;
  private col = 0;
  private wrap = true;

  constructor(readonly columns: number) {
    super();
  }

  /** The screen, without trailing blanks and empty last rows. */
  screen(): string[] {
    const rows = this.lines.map((line) => line.trimEnd());
    while (rows.length > 0 && rows.at(-1) === '') rows.pop();
    return rows;
  }

  override _write(chunk: Buffer, _: string, done: () => void): void {
    this.draw(chunk.toString('utf8'));
    done();
  }

  private draw(text: string): void {
    let i = 0;
    while (i < text.length) {
      // eslint-disable-next-line no-control-regex -- escape sequences are what it parses
      const control = /^\x1b\[(\??)(\d*)([A-Za-z])/.exec(text.slice(i));
      if (control) {
        this.apply(control[1]!, Number(control[2] || '0'), control[3]!, control[2] === '');
        i += control[0].length;
        continue;
      }
      const char = text[i++]!;
      if (char === '\r') this.col = 0;
      else if (char === '\n') this.moveTo(this.row + 1, 0);
      else this.put(char);
    }
  }

  private apply(private_: string, n: number, command: string, none: boolean): void {
    if (private_ === '?') {
      if (n === 7) this.wrap = command === 'h';
      return;
    }
    const line = this.lines[this.row]!;
    if (command === 'K') {
      if (n === 2) this.lines[this.row] = '';
      else if (n === 0) this.lines[this.row] = line.slice(0, this.col);
      else this.lines[this.row] = ' '.repeat(this.col) + line.slice(this.col);
    } else if (command === 'G') this.col = Math.max(0, (none ? 1 : n) - 1);
    else if (command === 'A') this.moveTo(this.row - (none ? 1 : n), this.col);
    else if (command === 'B') this.moveTo(this.row + (none ? 1 : n), this.col);
    else if (command === 'C') this.col = Math.min(this.columns - 1, this.col + (none ? 1 : n));
    else if (command === 'D') this.col = Math.max(0, this.col - (none ? 1 : n));
    else if (command === 'J') this.lines.splice(this.row + 1);
  }

  private put(char: string): void {
    if (this.col >= this.columns) {
      if (this.wrap) this.moveTo(this.row + 1, 0);
      else this.col = this.columns - 1;
    }
    const line = this.lines[this.row]!.padEnd(this.col);
    this.lines[this.row] = line.slice(0, this.col) + char + line.slice(this.col + 1);
    this.col++;
  }

  private moveTo(row: number, col: number): void {
    this.row = Math.max(0, row);
    while (this.lines.length <= this.row) this.lines.push('');
    this.col = col;
  }
}
