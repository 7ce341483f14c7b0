import type { ConversationStore } from '../../contract/store.js';
import type { Session } from '../../contract/types.js';
import { SessionDigest } from './session-digest.js';
import { digestStored, messagePages, portable } from './session-pages.js';

export interface CopyOptions {
  /** Then compare each session's digest in both stores. */
  verify?: boolean;
  /** Copy one user's sessions only. */
  userId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  onDifference?: (difference: { userId: string; sessionId: string }) => void;
}

export interface CopyProgress {
  phase: 'count' | 'migrate';
  done: number;
  total: number;
}

export interface CopySummary {
  sessions: number;
  messages: number;
  /** Messages this run stored; a resumed run counts only what the stopped one had not. */
  inserted: number;
  /** Sessions found complete in the target (copied by an earlier run) and left alone. */
  skipped: number;
  agents: number;
  verification: { sessions: number; differences: number } | null;
  interrupted: boolean;
  durationMs: number;
}

/**
 * Copies every session (with its messages, seq, ids and times) and the agent catalogue from one
 * store to another, a page of messages at a time. Resumable: a session the target already holds
 * whole is skipped, one it holds in part continues after its newest message (the import writes
 * each page in one transaction, so a kill leaves whole pages), and re-sent messages are dropped
 * by messageId anyway. Stops between sessions when `signal` aborts.
 */
export async function copyStore(
  from: ConversationStore,
  to: ConversationStore,
  options: CopyOptions = {},
): Promise<CopySummary> {
  const started = performance.now();
  const exporter = portable(from, 'export its sessions');
  const importer = portable(to, 'import sessions');
  const summary: CopySummary = {
    sessions: 0,
    messages: 0,
    inserted: 0,
    skipped: 0,
    agents: 0,
    verification: options.verify ? { sessions: 0, differences: 0 } : null,
    interrupted: false,
    durationMs: 0,
  };
  const scope = options.userId === undefined ? {} : { userId: options.userId };

  options.onProgress?.({ phase: 'count', done: 0, total: 0 });
  let total = 0;
  for await (const _session of exporter.exportSessions(scope)) total++;

  if (options.userId === undefined) {
    for (const agent of await from.listAgents()) {
      const { agentId, name, model, settings } = agent;
      await to.putAgent({ agentId, name, model, settings });
      summary.agents++;
    }
  }

  options.onProgress?.({ phase: 'migrate', done: 0, total });
  for await (const session of exporter.exportSessions(scope)) {
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    const digest = await copySession(from, to, importer, session, summary);
    summary.sessions++;
    if (summary.verification) {
      const source = digest ?? (await digestStored(from, session));
      const target = await digestStored(to, session);
      summary.verification.sessions++;
      if (source === null || source !== target) {
        summary.verification.differences++;
        options.onDifference?.({ userId: session.userId, sessionId: session.sessionId });
      }
    }
    options.onProgress?.({ phase: 'migrate', done: summary.sessions, total });
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

/**
 * One session; returns its source digest when it read the whole session (so verification need
 * not read it again), null when it resumed or skipped.
 */
async function copySession(
  from: ConversationStore,
  to: ConversationStore,
  importer: NonNullable<ConversationStore['capabilities']['portability']>,
  session: Session,
  summary: CopySummary,
): Promise<string | null> {
  const key = { userId: session.userId, sessionId: session.sessionId };
  const there = await to.getSession(key);
  if (there && there.lastSeq === session.lastSeq && there.messageCount === session.messageCount) {
    summary.skipped++;
    summary.messages += session.messageCount;
    return null;
  }
  const newest = there ? ((await to.history({ ...key, last: 1 })).at(-1)?.seq ?? 0) : 0;
  const digest = newest === 0 ? new SessionDigest(session) : null;
  let wrote = false;
  for await (const page of messagePages(from, key, newest)) {
    digest?.add(page);
    const { inserted } = await importer.importSession({ session, messages: page });
    summary.inserted += inserted;
    summary.messages += page.length;
    wrote = true;
  }
  if (!wrote) await importer.importSession({ session, messages: [] });
  if (newest > 0) summary.messages += there?.messageCount ?? 0;
  return digest?.digest() ?? null;
}
