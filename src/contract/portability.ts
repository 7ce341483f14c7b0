import type { Message, Session } from './types.js';

/**
 * What export, import and copy need beyond the contract: enumerating every session (the contract
 * is always one user's view) and writing a session back exactly as it was (seq, ids, times),
 * which `append` cannot, since it numbers and dates what it stores. A store that can offers it
 * as `capabilities.portability`; callers check for it instead of probing for methods.
 */
export interface PortableStore {
  /**
   * Every live session (of one user, or one session, when given), ordered by (userId,
   * sessionId) and starting after `after`: a copy that stopped resumes from the last session it
   * finished. Reads a bounded page at a time.
   */
  exportSessions(input?: ExportSessionsInput): AsyncIterable<Session>;

  /**
   * Stores a session and a run of its messages as given: the session is created when missing
   * (or replaced when it expired), its fields set from `session`; each message whose messageId
   * the session holds already is skipped, so a re-run stores nothing twice. Call it once per
   * chunk of a long session, oldest chunk first.
   */
  importSession(input: ImportSessionInput): Promise<ImportSessionResult>;
}

export interface ExportSessionsInput {
  userId?: string;
  sessionId?: string;
  /** Resume after this session. */
  after?: { userId: string; sessionId: string };
}

export interface ImportSessionInput {
  session: Session;
  /** In seq order; at most the store's page size per call. */
  messages: Message[];
}

export interface ImportSessionResult {
  /** Messages this call stored; the rest were stored before. */
  inserted: number;
}
