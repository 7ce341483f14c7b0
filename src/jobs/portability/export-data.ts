import type { ConversationStore } from '../../contract/store.js';
import { headerRecord, type ExportRecord } from './records.js';
import { messagePages, portable } from './session-pages.js';

export interface ExportOptions {
  /** One user's sessions; every user's when omitted (the agent catalogue comes along then). */
  userId?: string;
  /** One session (needs userId). */
  sessionId?: string;
  /** Receives each line (with its newline); awaited, so a slow reader slows the export. */
  write: (line: string) => Promise<void> | void;
  signal?: AbortSignal;
}

export interface ExportSummary {
  sessions: number;
  messages: number;
  agents: number;
  interrupted: boolean;
  durationMs: number;
}

/**
 * Writes a store's sessions and messages as NDJSON (see records.ts), a page at a time: memory
 * stays bounded however much there is. Stops between sessions when `signal` aborts.
 */
export async function exportData(
  store: ConversationStore,
  options: ExportOptions,
): Promise<ExportSummary> {
  const started = performance.now();
  const exporter = portable(store, 'export its sessions');
  const summary: ExportSummary = {
    sessions: 0,
    messages: 0,
    agents: 0,
    interrupted: false,
    durationMs: 0,
  };
  const emit = (record: ExportRecord) => options.write(`${JSON.stringify(record)}\n`);
  await emit(headerRecord());
  if (options.userId === undefined) {
    for (const agent of await store.listAgents()) {
      await emit({ type: 'agent', agent });
      summary.agents++;
    }
  }
  for await (const session of exporter.exportSessions({
    ...(options.userId !== undefined && { userId: options.userId }),
    ...(options.sessionId !== undefined && { sessionId: options.sessionId }),
  })) {
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    await emit({ type: 'session', session });
    summary.sessions++;
    const { userId, sessionId } = session;
    for await (const page of messagePages(store, session)) {
      for (const message of page) await emit({ type: 'message', userId, sessionId, message });
      summary.messages += page.length;
    }
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}
