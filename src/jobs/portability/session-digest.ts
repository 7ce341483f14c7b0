import { createHash, type Hash } from 'node:crypto';
import type { Message, Session } from '../../contract/types.js';

/**
 * A digest of one session that is the same wherever it is read from: its identity and fields
 * (not updatedAt and expiresAt, which slide with any activity) and every message whole, in seq
 * order, as JSON with keys sorted (jsonb does not keep key order). Fed a page at a time.
 */
export class SessionDigest {
  private readonly hash: Hash;
  messages = 0;

  constructor(session: Session) {
    const { updatedAt: _updated, expiresAt: _expires, ...fields } = session;
    this.hash = createHash('sha256').update(`${canonical(fields)}\n`);
  }

  add(messages: readonly Message[]): void {
    for (const message of messages) {
      this.messages++;
      this.hash.update(`${canonical(message)}\n`);
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
