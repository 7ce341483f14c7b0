/** The SSE body of a UI message stream response, as the chunks it carries. */
export async function* uiChunks(response: Response): AsyncGenerator<Record<string, unknown>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of event.split('\n')) {
          if (line.startsWith('data: ') && line !== 'data: [DONE]') yield JSON.parse(line.slice(6));
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** A deferred promise: settled by the test, awaited by the code under test (or the reverse). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Counts events (persisted steps, ended streams); `reached(n)` resolves once n have happened. */
export class EventCount {
  private count = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  add(): void {
    this.count += 1;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.count < waiter.n) return true;
      waiter.resolve();
      return false;
    });
  }

  reached(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}
