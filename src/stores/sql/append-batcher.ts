import type { ResolvedMessage } from '../../contract/validation.js';
import type { AppendJson } from './rows.js';
import { currentOperation } from '../../telemetry/span-notes.js';

/** One append as the SQL statements take it (validated, ids filled in). */
export interface AppendRequest {
  userId: string;
  sessionId: string;
  agentId: string | null;
  messages: ResolvedMessage[];
}

export interface AppendBatcherOptions {
  /** Statements sent at once before appends queue: the pool's size. */
  capacity: number;
  /** Most requests in one batch statement. */
  maxBatch: number;
  /** The one-statement append, with its own fall back. */
  runOne(request: AppendRequest): Promise<AppendJson>;
  /** The batch statement: per request, its result, or null when it must run locked. */
  runBatch(requests: AppendRequest[]): Promise<Array<AppendJson | null>>;
  /** The exact append, for a request the batch stood aside for. */
  runLocked(request: AppendRequest): Promise<AppendJson>;
}

interface Waiting {
  key: string;
  request: AppendRequest;
  operation: ReturnType<typeof currentOperation>;
  resolve(result: AppendJson): void;
  reject(error: unknown): void;
}

/**
 * Under concurrency, appends queue for a connection anyway; instead of one statement and one
 * commit each, the ones that queued while every connection was busy go as one statement. A
 * session has one append in flight at a time here, so appends to it are sent in the order they
 * came and never race each other into the locked fall back. With a connection free and nothing
 * queued, an append goes straight through: no added latency without a queue.
 */
export class AppendBatcher {
  private inFlight = 0;
  private readonly queue: Waiting[] = [];
  private readonly busySessions = new Set<string>();

  constructor(private readonly options: AppendBatcherOptions) {}

  submit(request: AppendRequest): Promise<AppendJson> {
    const operation = currentOperation();
    return new Promise((resolve, reject) => {
      this.queue.push({ key: sessionKey(request), request, operation, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.options.capacity) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      for (const waiting of batch) this.busySessions.add(waiting.key);
      for (const w of batch) w.operation?.note({ 'db.operation.batch.size': batch.length });
      if (batch.length === 1) this.runAlone(batch[0]!, this.options.runOne);
      else this.runTogether(batch);
    }
  }

  private runTogether(batch: Waiting[]): void {
    this.track(() => this.options.runBatch(batch.map((waiting) => waiting.request))).then(
      (results) =>
        batch.forEach((waiting, i) => {
          const result = results[i];
          if (result) this.finish(waiting, () => waiting.resolve(result));
          else this.runAlone(waiting, this.options.runLocked);
        }),
      // One request can fail the whole statement: then each goes alone and fails only itself.
      () => batch.forEach((waiting) => this.runAlone(waiting, this.options.runOne)),
    );
  }

  private runAlone(waiting: Waiting, run: (request: AppendRequest) => Promise<AppendJson>): void {
    this.track(() => run(waiting.request)).then(
      (result) => this.finish(waiting, () => waiting.resolve(result)),
      (error: unknown) => this.finish(waiting, () => waiting.reject(error)),
    );
  }

  private finish(waiting: Waiting, settle: () => void): void {
    this.busySessions.delete(waiting.key);
    settle();
    this.drain();
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  /** The oldest waiting appends of sessions with none in flight, one per session. */
  private takeBatch(): Waiting[] {
    const taken: Waiting[] = [];
    const sessions = new Set<string>();
    for (let i = 0; i < this.queue.length && taken.length < this.options.maxBatch;) {
      const waiting = this.queue[i]!;
      if (this.busySessions.has(waiting.key) || sessions.has(waiting.key)) {
        sessions.add(waiting.key);
        i++;
        continue;
      }
      sessions.add(waiting.key);
      taken.push(waiting);
      this.queue.splice(i, 1);
    }
    return taken;
  }
}

function sessionKey(request: AppendRequest): string {
  return `${request.userId}\u0000${request.sessionId}`;
}
