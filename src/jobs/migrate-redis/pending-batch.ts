import type { SourceSession } from './types.js';

/** A write batch also ends at this many bytes of content, whatever its session count. */
const BATCH_BYTES = 8 * 1024 * 1024;

/** Sessions waiting to be written; full at a session count or a byte size. */
export class PendingBatch {
  private sessions: SourceSession[] = [];
  private bytes = 0;

  constructor(private readonly size: number) {}

  /** Adds a session; true when the batch is now full. */
  add(session: SourceSession): boolean {
    this.sessions.push(session);
    for (const message of session.messages) this.bytes += message.content.length * 3 + 256;
    return this.sessions.length >= this.size || this.bytes >= BATCH_BYTES;
  }

  take(): SourceSession[] {
    const sessions = this.sessions;
    this.sessions = [];
    this.bytes = 0;
    return sessions;
  }
}
