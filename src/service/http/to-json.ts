import type { Agent, Session } from '../../contract/types.js';
export { messageJson } from './wire-message.js';

/** The API's snake_case shapes. Metadata and settings are the caller's JSON, passed as is. */
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
