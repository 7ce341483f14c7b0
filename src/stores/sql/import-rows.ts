import type { Message } from '../../contract/types.js';

/**
 * An exported message as a row of the messages table (import-messages.sql reads it with
 * jsonb_populate_record, which matches keys to columns by name): every field the contract
 * carries, usage spread over its columns. Not carried: the idempotency fingerprint (a later
 * append of the same messageId is taken as a replay, unchecked) and a draft's lease, which
 * belongs to the store it was started on: an imported draft still streaming reads as aborted.
 * Fields missing from an older caller's object take the columns' defaults.
 */
export function messageImportRow(
  message: Message,
  userId: string,
  sessionId: string,
): Record<string, unknown> {
  const usage = message.usage ?? null;
  const status = message.status ?? 'complete';
  return {
    user_id: userId,
    session_id: sessionId,
    seq: message.seq,
    message_id: message.messageId,
    role: message.role,
    content: message.content,
    metadata: message.metadata ?? {},
    created_at: message.createdAt,
    data: message.data ?? null,
    format: message.format ?? null,
    kind: message.kind ?? 'message',
    tool_call_ids: message.toolCallIds ?? [],
    tool_result_ids: message.toolResultIds ?? [],
    status,
    version: message.version ?? 1,
    updated_at: message.updatedAt ?? message.createdAt,
    model: usage?.model ?? null,
    provider: usage?.provider ?? null,
    input_tokens: usage?.inputTokens ?? null,
    output_tokens: usage?.outputTokens ?? null,
    total_tokens: usage?.totalTokens ?? null,
    reasoning_tokens: usage?.reasoningTokens ?? null,
    cached_input_tokens: usage?.cachedInputTokens ?? null,
    latency_ms: usage?.latencyMs ?? null,
    finish_reason: usage?.finishReason ?? null,
    token_count: message.tokenCount ?? null,
    fingerprint: null,
    lease_token: null,
    lease_ms: null,
    lease_expires_at: status === 'streaming' ? new Date() : null,
  };
}
