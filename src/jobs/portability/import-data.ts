import { ValidationError } from '../../contract/errors.js';
import type { PortableStore } from '../../contract/portability.js';
import type { ConversationStore } from '../../contract/store.js';
import type { Message, Session } from '../../contract/types.js';
import { EXPORT_FORMAT, parseRecord } from './records.js';
import { SessionDigest } from './session-digest.js';
import { digestStored, MESSAGE_PAGE, portable } from './session-pages.js';

export interface ImportOptions {
  /** Compare every imported session with the file afterwards (default true). */
  verify?: boolean;
  signal?: AbortSignal;
  /** A session that differs from the file after the import. */
  onDifference?: (difference: { userId: string; sessionId: string }) => void;
}

export interface ImportSummary {
  sessions: number;
  messages: number;
  /** Messages this run stored; the rest were there already (a re-run stores 0). */
  inserted: number;
  agents: number;
  verified: number;
  differences: number;
  interrupted: boolean;
  durationMs: number;
}

/**
 * Reads an export (see records.ts) into a store, a page of messages per write, and, with
 * verify, compares each session's digest in the store with the file's. Idempotent: messageIds
 * are the keys, so running it again stores nothing twice. A malformed line stops the import
 * (ValidationError naming the line); what was written before it stays, and a re-run completes.
 */
export async function importData(
  store: ConversationStore,
  lines: AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const importer = portable(store, 'import sessions');
  const verify = options.verify ?? true;
  const summary: ImportSummary = {
    sessions: 0,
    messages: 0,
    inserted: 0,
    agents: 0,
    verified: 0,
    differences: 0,
    interrupted: false,
    durationMs: 0,
  };
  let current: OpenSession | null = null;
  let lineNumber = 0;
  let sawHeader = false;
  let end: { sessions: number; messages: number } | null = null;

  const finish = async () => {
    if (!current) return;
    await current.flush(importer, summary, true);
    if (verify) {
      const stored = await digestStored(store, current.session);
      summary.verified++;
      if (stored !== current.digest.digest()) {
        summary.differences++;
        options.onDifference?.({
          userId: current.session.userId,
          sessionId: current.session.sessionId,
        });
      }
    }
    current = null;
  };

  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    if (end) throw ValidationError.field(`line ${lineNumber}`, 'comes after the end line');
    const record = parseRecord(line, lineNumber);
    if (!sawHeader) {
      if (record.type !== EXPORT_FORMAT) {
        throw ValidationError.field('line 1', `is not a ${EXPORT_FORMAT} header`);
      }
      sawHeader = true;
      continue;
    }
    switch (record.type) {
      case EXPORT_FORMAT:
        throw ValidationError.field(`line ${lineNumber}`, 'is a second header');
      case 'end':
        end = record;
        break;
      case 'agent':
        await store.putAgent({
          agentId: record.agent.agentId,
          name: record.agent.name,
          model: record.agent.model,
          settings: record.agent.settings,
        });
        summary.agents++;
        break;
      case 'session':
        await finish();
        if (options.signal?.aborted) {
          summary.interrupted = true;
          summary.durationMs = Math.round(performance.now() - started);
          return summary;
        }
        current = new OpenSession(record.session);
        summary.sessions++;
        break;
      case 'message': {
        const open: OpenSession | null = current;
        if (
          !open ||
          open.session.userId !== record.userId ||
          open.session.sessionId !== record.sessionId
        ) {
          throw ValidationError.field(`line ${lineNumber}`, 'is a message outside its session');
        }
        open.add(record.message);
        summary.messages++;
        if (open.pending.length >= MESSAGE_PAGE) await open.flush(importer, summary, false);
        break;
      }
    }
  }
  if (!sawHeader) throw ValidationError.field('input', 'is empty: not an export');
  await finish();
  // What was read is stored either way (a re-run with the whole file completes it).
  if (!end) {
    throw ValidationError.field('input', 'ends without its end line: the export was cut short');
  }
  if (end.sessions !== summary.sessions || end.messages !== summary.messages) {
    throw ValidationError.field(
      'input',
      `holds ${summary.sessions} session(s) and ${summary.messages} message(s), ` +
        `its end line says ${end.sessions} and ${end.messages}`,
    );
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

/** The session being read from the file: its digest so far and the messages not yet written. */
class OpenSession {
  readonly digest: SessionDigest;
  pending: Message[] = [];
  private written = false;
  private lastSeq = 0;

  constructor(readonly session: Session) {
    this.digest = new SessionDigest(session);
  }

  add(message: Message): void {
    if (message.seq <= this.lastSeq) {
      throw ValidationError.field('seq', `messages of a session must come in seq order`);
    }
    this.lastSeq = message.seq;
    this.pending.push(message);
    this.digest.add([message]);
  }

  /** Writes the pending messages; the session's row even when there are none (at its end). */
  async flush(importer: PortableStore, summary: ImportSummary, last: boolean): Promise<void> {
    if (this.pending.length === 0 && (this.written || !last)) return;
    const { inserted } = await importer.importSession({
      session: this.session,
      messages: this.pending,
    });
    summary.inserted += inserted;
    this.pending = [];
    this.written = true;
  }
}
