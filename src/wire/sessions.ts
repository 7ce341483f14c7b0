import type { Agent, Metadata, Session } from '../contract/types.js';

/** A session as the API answers it (snake_case). */
export function sessionJson(session: Session) {
  return {
    session_id: session.sessionId,
    user_id: session.userId,
    agent_id: session.agentId,
    title: session.title,
    metadata: session.metadata,
    created_at: session.createdAt.toISOString(),
    updated_at: session.updatedAt.toISOString(),
    expires_at: session.expiresAt?.toISOString() ?? null,
    last_seq: session.lastSeq,
    message_count: session.messageCount,
  };
}

export type WireSession = ReturnType<typeof sessionJson>;

export function sessionFromWire(wire: WireSession): Session {
  return {
    userId: wire.user_id,
    sessionId: wire.session_id,
    agentId: wire.agent_id ?? null,
    title: wire.title ?? null,
    metadata: wire.metadata ?? {},
    createdAt: new Date(wire.created_at),
    updatedAt: new Date(wire.updated_at),
    expiresAt: wire.expires_at ? new Date(wire.expires_at) : null,
    lastSeq: wire.last_seq,
    messageCount: wire.message_count,
  };
}

/** An agent as the API answers it. */
export function agentJson(agent: Agent) {
  return {
    agent_id: agent.agentId,
    name: agent.name,
    model: agent.model,
    settings: agent.settings,
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}

export type WireAgent = ReturnType<typeof agentJson>;

export function agentFromWire(wire: WireAgent): Agent {
  return {
    agentId: wire.agent_id,
    name: wire.name ?? null,
    model: wire.model ?? null,
    settings: (wire.settings ?? {}) as Metadata,
    createdAt: new Date(wire.created_at),
    updatedAt: new Date(wire.updated_at),
  };
}
