import type { MessageKind, Metadata, Role, Usage } from '../../contract/types.js';

/** One message as read from the source, already in convstore's shape. */
export interface SourceMessage {
  /** Its position in the source, 1 = oldest; kept as the target's seq. */
  seq: number;
  messageId: string;
  role: Role;
  content: string;
  metadata: Metadata;
  /** The framework's message as JSON text, kept byte for byte (LangChain: the list element). */
  data: string | null;
  /** The name of `data`'s shape (`langchain/message`), or null for a plain message. */
  format: string | null;
  kind: MessageKind;
  /** Tool calls the message opens, and the ones it answers. */
  toolCallIds: string[];
  toolResultIds: string[];
  usage: Usage | null;
  /** Null when the source kept no time (LangChain); the target uses the migration's time. */
  createdAt: Date | null;
}

/** One session as read from the source, complete and checked, ready to be written. */
export interface SourceSession {
  /** The key that names it in the source, for reports. */
  key: string;
  userId: string;
  sessionId: string;
  agentId: string | null;
  title: string | null;
  metadata: Metadata;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** From the source key's TTL; null when the key does not expire. */
  expiresAt: Date | null;
  /** Highest seq the source handed out (may exceed the messages kept, after trimming). */
  lastSeq: number;
  messages: SourceMessage[];
  /** Every source key of the session, deleted with --delete-source after verification. */
  sourceKeys: string[];
  /**
   * What the source held when read, in the layout's terms (LangChain: length and head; convstore:
   * the meta's last seq and update time): the source keys are deleted only while they still
   * hold exactly this, atomically, so nothing written after verification is lost.
   */
  unchangedIf: string[];
}

/** What a delete pass did with the sessions it was given. */
export interface DeleteOutcome {
  /** Source keys deleted. */
  deletedKeys: number;
  /** Sessions kept because their source changed since it was read (by key). */
  changedKeys: string[];
}

/** An agent of the source's catalogue (convstore layout only). */
export interface SourceAgent {
  agentId: string;
  name: string | null;
  model: string | null;
  settings: Metadata;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** What reading one scanned key gave. */
export type ReadOutcome =
  | { kind: 'session'; session: SourceSession }
  /** Something is wrong with the data: reported by key, skipped, nothing of it written. */
  | { kind: 'unreadable'; key: string; problem: string }
  /** Not a session of this layout (another key type) or gone since the scan: ignored. */
  | { kind: 'ignored'; key: string; reason: string };

/** A source layout: which keys name sessions, and how to read and delete them. */
export interface SourceReader {
  /** SCAN MATCH pattern that finds the keys naming one session each (plus maybe others). */
  readonly match: string;
  /** Whether a scanned key names a session (cheap, by name only). */
  isSessionKey(key: string): boolean;
  /** Reads the sessions the keys name, in one round trip per call. */
  read(keys: string[]): Promise<ReadOutcome[]>;
  /** The agent catalogue, when the layout has one; unreadable entries are reported by key. */
  readAgents?(): Promise<{
    agents: SourceAgent[];
    unreadable: Array<{ key: string; problem: string }>;
  }>;
  /**
   * Deletes the source keys of sessions that verified equal, each only if it still holds what
   * was read (`unchangedIf`); one that changed since is kept and named in the outcome.
   */
  deleteSessions(sessions: SourceSession[]): Promise<DeleteOutcome>;
}

export type MigrationPhase = 'count' | 'migrate' | 'verify' | 'delete';

export interface MigrationProgress {
  phase: MigrationPhase;
  /** Session keys handled so far in this phase. */
  done: number;
  /** Session keys found by the count pass (0 while counting). */
  total: number;
}
