import type { ResolvedUsageInput, UsageReport } from '../contract/usage.js';
import { usageRowFromWire, type WireUsageRow } from '../wire/usage.js';
import type { StoreCapabilities } from '../contract/capabilities.js';
import type { StoreBackend } from '../contract/store-backend.js';
import type {
  Agent,
  AppendResult,
  BeginMessageResult,
  CreateSessionInput,
  Deleted,
  DeletedCounts,
  DeleteMessagesInput,
  ListSessionsInput,
  Message,
  PutAgentInput,
  Role,
  Session,
  SessionKey,
  SessionPage,
  TransactResult,
  UpdateSessionInput,
  UserKey,
} from '../contract/types.js';
import type {
  ResolvedAppendInput,
  ResolvedCheckpointInput,
  ResolvedFinalizeInput,
  ResolvedHistoryInput,
  ResolvedMessage,
  ResolvedTransactInput,
  ResolvedTruncateInput,
  ResolvedSearchInput,
  ResolvedUpdateMessageInput,
} from '../contract/validation.js';
import type { SearchPage } from '../contract/search.js';
import {
  messageFromWire,
  newMessageToWire,
  type WireMessage,
  type WireNewMessage,
} from '../wire/messages.js';
import {
  agentFromWire,
  sessionFromWire,
  type WireAgent,
  type WireSession,
} from '../wire/sessions.js';
import { NotFoundError } from '../contract/errors.js';
import type { HttpTransport } from './http-transport.js';

/**
 * The service's REST API as a store backend, behind the same facade as every store: input is
 * validated here first, then sent once per call (retried with the same messageIds and operation
 * ids, which the service recognises). The user travels as the credentials, never in a body.
 */
export class HttpBackend implements StoreBackend {
  readonly kind = 'http' as const;
  readonly capabilities: StoreCapabilities = {};

  constructor(private readonly http: HttpTransport) {}

  async append(input: ResolvedAppendInput): Promise<AppendResult> {
    const { body } = await this.http.send<{
      session: WireSession;
      messages: WireMessage[];
      inserted: number;
    }>({
      method: 'POST',
      path: `${sessionPath(input)}/messages`,
      as: { user: input.userId },
      body: {
        ...(input.agentId !== undefined && { agent_id: input.agentId }),
        messages: input.messages.map(wireMessage),
      },
      retrySafe: true,
    });
    return {
      session: sessionFromWire(body.session),
      messages: body.messages.map(messageFromWire),
      inserted: body.inserted,
    };
  }

  async history(input: ResolvedHistoryInput): Promise<Message[]> {
    const { query } = input;
    const params =
      query.kind === 'newest'
        ? { last: query.limit }
        : query.kind === 'after'
          ? {
              after_seq: query.afterSeq,
              before_seq: query.beforeSeq ?? undefined,
              limit: query.limit,
            }
          : query.kind === 'before'
            ? { before_seq: query.beforeSeq, limit: query.limit }
            : {
                last: query.last ?? undefined,
                token_budget: query.tokenBudget ?? undefined,
                align: query.align,
                pin_system: query.pinSystem || undefined,
                statuses: query.statuses?.join(','),
              };
    const { body } = await this.http.send<{ messages: WireMessage[] }>({
      method: 'GET',
      path: `${sessionPath(input)}/messages`,
      as: { user: input.userId },
      query: params,
      retrySafe: true,
    });
    return body.messages.map(messageFromWire);
  }

  async updateMessage(input: ResolvedUpdateMessageInput): Promise<Message> {
    const { userId: _u, sessionId: _s, messageId, expectedVersion, ...changes } = input;
    return this.oneMessage({
      method: 'PATCH',
      path: `${sessionPath(input)}/messages/${enc(messageId)}`,
      as: { user: input.userId },
      body: {
        ...(expectedVersion !== undefined && { expected_version: expectedVersion }),
        ...newMessageToWire(changes),
      },
      retrySafe: false,
    });
  }

  truncate(input: ResolvedTruncateInput): Promise<Deleted> {
    return this.deleted(`${sessionPath(input)}/truncate`, input.userId, 'POST', {
      ...(input.afterMessageId === null
        ? { after_seq: input.afterSeq }
        : { after_message_id: input.afterMessageId, inclusive: input.inclusive }),
    });
  }

  async popMessage(input: SessionKey): Promise<Message | null> {
    const { body } = await this.http.send<{ message: WireMessage | null }>({
      method: 'POST',
      path: `${sessionPath(input)}/messages/pop`,
      as: { user: input.userId },
      retrySafe: false,
    });
    return body.message ? messageFromWire(body.message) : null;
  }

  clearMessages(input: SessionKey): Promise<Deleted> {
    return this.deleted(`${sessionPath(input)}/messages`, input.userId, 'DELETE');
  }

  deleteMessages(input: DeleteMessagesInput): Promise<Deleted> {
    return this.deleted(`${sessionPath(input)}/messages/delete`, input.userId, 'POST', {
      message_ids: input.messageIds,
    });
  }

  async transact(input: ResolvedTransactInput): Promise<TransactResult> {
    const { body } = await this.http.send<{ replayed: boolean; messages: WireMessage[] }>({
      method: 'POST',
      path: `${sessionPath(input)}/transactions`,
      as: { user: input.userId },
      body: {
        operation_id: input.operationId,
        ...(input.agentId !== undefined && { agent_id: input.agentId }),
        ...(input.replaceSuffix
          ? {
              replace_suffix: {
                expected: input.replaceSuffix.expected,
                replacement: input.replaceSuffix.replacement.map(wireMessage),
              },
            }
          : { append: input.append.map(wireMessage) }),
      },
      retrySafe: true,
    });
    return { replayed: body.replayed, messages: body.messages.map(messageFromWire) };
  }

  async beginMessage(input: ResolvedAppendInput): Promise<BeginMessageResult> {
    const draft = input.messages[0]!;
    const { body } = await this.http.send<{ message: WireMessage; lease: string }>({
      method: 'POST',
      path: `${sessionPath(input)}/drafts`,
      as: { user: input.userId },
      body: {
        message_id: draft.messageId,
        ...(input.agentId !== undefined && { agent_id: input.agentId }),
        role: draft.role,
        content: draft.content,
        ...(draft.data !== null && { data: draft.data }),
        ...(draft.format !== null && { format: draft.format }),
        kind: draft.kind,
        metadata: draft.metadata,
        lease: draft.lease,
        ...(draft.leaseMs !== null && { lease_ms: draft.leaseMs }),
      },
      retrySafe: false,
    });
    return { message: messageFromWire(body.message), lease: body.lease };
  }

  checkpointMessage(input: ResolvedCheckpointInput): Promise<Message> {
    const { userId: _u, sessionId: _s, messageId, lease, ...changes } = input;
    return this.oneMessage({
      method: 'PUT',
      path: `${sessionPath(input)}/drafts/${enc(messageId)}`,
      as: { user: input.userId },
      body: { lease, ...newMessageToWire(changes) },
      retrySafe: false,
    });
  }

  finalizeMessage(input: ResolvedFinalizeInput): Promise<Message> {
    const { userId: _u, sessionId: _s, messageId, lease, status, ...changes } = input;
    return this.oneMessage({
      method: 'POST',
      path: `${sessionPath(input)}/drafts/${enc(messageId)}/finalize`,
      as: { user: input.userId },
      body: { ...(lease !== undefined && { lease }), status, ...newMessageToWire(changes) },
      retrySafe: true,
    });
  }

  async createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session> {
    const { body } = await this.http.send<{ session: WireSession }>({
      method: 'POST',
      path: '/v1/sessions',
      as: { user: input.userId },
      body: {
        session_id: input.sessionId,
        ...(input.agentId !== undefined && { agent_id: input.agentId }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.metadata !== undefined && { metadata: input.metadata }),
      },
      retrySafe: false,
    });
    return sessionFromWire(body.session);
  }

  async getSession(input: SessionKey): Promise<Session | null> {
    try {
      const { body } = await this.http.send<{ session: WireSession }>({
        method: 'GET',
        path: sessionPath(input),
        as: { user: input.userId },
        retrySafe: true,
      });
      return sessionFromWire(body.session);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { body } = await this.http.send<{ session: WireSession }>({
      method: 'PATCH',
      path: sessionPath(input),
      as: { user: input.userId },
      body: {
        ...(input.agentId !== undefined && { agent_id: input.agentId }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.metadata !== undefined && { metadata: input.metadata }),
      },
      retrySafe: true,
    });
    return sessionFromWire(body.session);
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    try {
      await this.http.send({
        method: 'DELETE',
        path: sessionPath(input),
        as: { user: input.userId },
        retrySafe: false,
      });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  async listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage> {
    const { body } = await this.http.send<{ sessions: WireSession[]; next_cursor: string | null }>({
      method: 'GET',
      path: '/v1/sessions',
      as: { user: input.userId },
      query: { limit: input.limit, cursor: input.cursor },
      retrySafe: true,
    });
    return { sessions: body.sessions.map(sessionFromWire), nextCursor: body.next_cursor };
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    try {
      const { body } = await this.http.send<{ deleted: DeletedCounts }>({
        method: 'DELETE',
        path: `/v1/admin/users/${enc(input.userId)}`,
        as: 'admin',
        retrySafe: true,
      });
      return body.deleted;
    } catch (error) {
      if (error instanceof NotFoundError) return { sessions: 0, messages: 0 };
      throw error;
    }
  }

  async putAgent(input: PutAgentInput): Promise<Agent> {
    const { body } = await this.http.send<{ agent: WireAgent }>({
      method: 'POST',
      path: '/v1/admin/agents',
      as: 'admin',
      body: {
        agent_id: input.agentId,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.model !== undefined && { model: input.model }),
        ...(input.settings !== undefined && { settings: input.settings }),
      },
      retrySafe: true,
    });
    return agentFromWire(body.agent);
  }

  async usage(input: ResolvedUsageInput): Promise<UsageReport> {
    const query = {
      from: input.from.toISOString(),
      to: input.to.toISOString(),
      ...(input.groupBy.length > 0 && { group_by: input.groupBy.join(',') }),
      time_zone: input.timeZone,
    };
    const { body } = await this.http.send<{ rows: WireUsageRow[] }>(
      input.userId === null
        ? { method: 'GET', path: '/v1/admin/usage', as: 'admin', query, retrySafe: true }
        : { method: 'GET', path: '/v1/usage', as: { user: input.userId }, query, retrySafe: true },
    );
    return { rows: body.rows.map(usageRowFromWire) };
  }

  async listAgents(): Promise<Agent[]> {
    const { body } = await this.http.send<{ agents: WireAgent[] }>({
      method: 'GET',
      path: '/v1/agents',
      as: 'admin',
      retrySafe: true,
    });
    return body.agents.map(agentFromWire);
  }

  async cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts> {
    const { body } = await this.http.send<DeletedCounts>({
      method: 'POST',
      path: '/v1/admin/cleanup',
      as: 'admin',
      body: { batch_size: input.batchSize },
      retrySafe: false,
    });
    return { sessions: body.sessions, messages: body.messages };
  }

  async search(input: ResolvedSearchInput): Promise<SearchPage> {
    const { body } = await this.http.send<{ hits: WireHit[]; next_cursor: string | null }>({
      method: 'GET',
      path: '/v1/search',
      as: { user: input.userId },
      query: {
        q: input.query,
        session_id: input.sessionId,
        role: input.role,
        from: input.from?.toISOString(),
        to: input.to?.toISOString(),
        limit: input.limit,
        cursor: input.cursor,
      },
      retrySafe: true,
    });
    return {
      hits: body.hits.map((hit) => ({
        sessionId: hit.session_id,
        seq: hit.seq,
        messageId: hit.message_id,
        role: hit.role,
        createdAt: new Date(hit.created_at),
        snippet: hit.snippet,
        rank: hit.rank,
      })),
      nextCursor: body.next_cursor,
    };
  }

  async ping(): Promise<void> {
    await this.http.send({ method: 'GET', path: '/readyz', as: 'none', retrySafe: true });
  }

  async close(): Promise<void> {}

  private async oneMessage(call: Parameters<HttpTransport['send']>[0]): Promise<Message> {
    const { body } = await this.http.send<{ message: WireMessage }>(call);
    return messageFromWire(body.message);
  }

  private async deleted(
    path: string,
    userId: string,
    method: 'POST' | 'DELETE',
    body?: unknown,
  ): Promise<Deleted> {
    const answer = await this.http.send<Deleted>({
      method,
      path,
      as: { user: userId },
      ...(body !== undefined && { body }),
      retrySafe: true,
    });
    return { deleted: answer.body.deleted };
  }
}

interface WireHit {
  session_id: string;
  seq: number;
  message_id: string;
  role: Role;
  created_at: string;
  snippet: string;
  rank: number;
}

function sessionPath(key: SessionKey): string {
  return `/v1/sessions/${enc(key.sessionId)}`;
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

/** A resolved message as the API takes it (ids and defaults already filled in). */
function wireMessage(message: ResolvedMessage): WireNewMessage {
  return newMessageToWire({
    role: message.role,
    content: message.content,
    metadata: message.metadata,
    messageId: message.messageId,
    ...(message.data !== null && { data: message.data }),
    ...(message.format !== null && { format: message.format }),
    kind: message.kind,
    toolCallIds: message.toolCallIds,
    toolResultIds: message.toolResultIds,
    status: message.status,
    ...(message.usage !== null && { usage: message.usage }),
    tokenCount: message.tokenCount,
  });
}
