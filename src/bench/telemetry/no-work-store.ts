import type { SearchPage } from '../../contract/search.js';
import type { UsageReport } from '../../contract/usage.js';
import type { ConversationStore } from '../../contract/store.js';
import type {
  Agent,
  AppendInput,
  AppendResult,
  DeletedCounts,
  Message,
  Session,
  SessionPage,
} from '../../contract/types.js';

const SESSION: Session = {
  userId: 'u',
  sessionId: 's',
  agentId: null,
  title: null,
  metadata: {},
  createdAt: new Date(0),
  updatedAt: new Date(0),
  expiresAt: null,
  messageCount: 0,
  lastSeq: 0,
};
const NONE: DeletedCounts = { sessions: 0, messages: 0 };

/**
 * A store that does no work at all: wrapped by the instrumentation, what a call costs is the
 * instrumentation's own cost, which on a real store drowns in the time of its I/O.
 */
export class NoWorkStore implements ConversationStore {
  readonly kind = 'redis' as const;
  readonly capabilities = {};
  async append(input: AppendInput): Promise<AppendResult> {
    return { session: SESSION, messages: [], inserted: input.messages.length };
  }
  async history(): Promise<Message[]> {
    return [];
  }
  async createSession(): Promise<Session> {
    return SESSION;
  }
  async getSession(): Promise<Session | null> {
    return null;
  }
  async updateSession(): Promise<Session> {
    return SESSION;
  }
  async deleteSession(): Promise<boolean> {
    return false;
  }
  async listSessions(): Promise<SessionPage> {
    return { sessions: [], nextCursor: null };
  }
  async deleteUser(): Promise<DeletedCounts> {
    return NONE;
  }
  async putAgent(): Promise<Agent> {
    return {
      agentId: 'a',
      name: null,
      model: null,
      settings: {},
      createdAt: SESSION.createdAt,
      updatedAt: SESSION.updatedAt,
    };
  }
  async usage(): Promise<UsageReport> {
    return { rows: [] };
  }
  async listAgents(): Promise<Agent[]> {
    return [];
  }
  async search(): Promise<SearchPage> {
    return { hits: [], nextCursor: null };
  }
  async cleanupExpired(): Promise<DeletedCounts> {
    return NONE;
  }
  async updateMessage(): Promise<Message> {
    return Promise.reject(new Error('not measured'));
  }
  async truncate(): Promise<{ deleted: number }> {
    return { deleted: 0 };
  }
  async popMessage(): Promise<Message | null> {
    return null;
  }
  async clearMessages(): Promise<{ deleted: number }> {
    return { deleted: 0 };
  }
  async deleteMessages(): Promise<{ deleted: number }> {
    return { deleted: 0 };
  }
  async transact(): Promise<{ messages: Message[]; replayed: boolean }> {
    return { messages: [], replayed: false };
  }
  async beginMessage(): Promise<never> {
    return Promise.reject(new Error('not measured'));
  }
  async checkpointMessage(): Promise<Message> {
    return Promise.reject(new Error('not measured'));
  }
  async finalizeMessage(): Promise<Message> {
    return Promise.reject(new Error('not measured'));
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
