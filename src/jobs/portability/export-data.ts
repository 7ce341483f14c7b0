import type { ConversationStore } from '../../contract/store.js';
import { headerRecord, type ExportRecord } from './records.js';
import { messagePages, portable } from './session-pages.js';

export interface ExportOptions {
  /** One user's sessions; every user's when omitted (the agent catalogue comes along then). */
  userId?: string;
  /** One session (needs userId). */
  sessionId?: string;
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
 * A store's sessions and messages as NDJSON lines (see records.ts), read a page at a time: memory
 * stays bounded however much there is, and a slow reader slows the reads. `summary` counts as
 * the lines go. The end line comes last only when nothing was left out (not when `signal`
 * aborted between sessions), so an import can tell a complete export from a cut one.
 */
export function exportLines(
  store: ConversationStore,
  options: ExportOptions,
  summary: ExportSummary = emptySummary(),
): AsyncIterable<string> {
  const exporter = portable(store, 'export its sessions');
  const line = (record: ExportRecord) => `${JSON.stringify(record)}\n`;
  return (async function* () {
    yield line(headerRecord());
    if (options.userId === undefined) {
      for (const agent of await store.listAgents()) {
        yield line({ type: 'agent', agent });
        summary.agents++;
      }
    }
    for await (const session of exporter.exportSessions({
      ...(options.userId !== undefined && { userId: options.userId }),
      ...(options.sessionId !== undefined && { sessionId: options.sessionId }),
    })) {
      if (options.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      yield line({ type: 'session', session });
      summary.sessions++;
      const { userId, sessionId } = session;
      for await (const page of messagePages(store, session)) {
        for (const message of page) yield line({ type: 'message', userId, sessionId, message });
        summary.messages += page.length;
      }
    }
    yield line({ type: 'end', sessions: summary.sessions, messages: summary.messages });
  })();
}

/** exportLines, each line handed to `write` (awaited: backpressure), with the summary. */
export async function exportData(
  store: ConversationStore,
  options: ExportOptions & { write: (line: string) => Promise<void> | void },
): Promise<ExportSummary> {
  const started = performance.now();
  const summary = emptySummary();
  for await (const text of exportLines(store, options, summary)) await options.write(text);
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

function emptySummary(): ExportSummary {
  return { sessions: 0, messages: 0, agents: 0, interrupted: false, durationMs: 0 };
}
