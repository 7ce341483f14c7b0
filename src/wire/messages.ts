import type {
  Message,
  MessageChanges,
  MessageKind,
  MessageStatus,
  Metadata,
  NewMessage,
  Role,
  Usage,
} from '../contract/types.js';

/** A message as the API takes it (snake_case); every field but role is optional here. */
export interface WireNewMessage {
  role?: Role;
  content?: string;
  metadata?: Metadata;
  message_id?: string;
  data?: string | null;
  format?: string | null;
  kind?: MessageKind;
  tool_call_ids?: string[];
  tool_result_ids?: string[];
  status?: MessageStatus;
  usage?: WireUsage | null;
  token_count?: number;
}

export interface WireUsage {
  model?: string;
  provider?: string;
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  reasoning_tokens?: number;
  cached_input_tokens?: number;
  latency_ms?: number;
  finish_reason?: string;
}

/** The one table of usage field names on the wire and in the library. */
const USAGE_WIRE = {
  model: 'model',
  provider: 'provider',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  totalTokens: 'total_tokens',
  reasoningTokens: 'reasoning_tokens',
  cachedInputTokens: 'cached_input_tokens',
  latencyMs: 'latency_ms',
  finishReason: 'finish_reason',
} as const satisfies Record<keyof Usage, keyof WireUsage>;

export function usageFromWire(wire: WireUsage): Usage {
  const usage: Record<string, unknown> = {};
  for (const [field, name] of Object.entries(USAGE_WIRE)) {
    if (wire[name] !== undefined) usage[field] = wire[name];
  }
  return usage as Usage;
}

export function usageToWire(usage: Usage): WireUsage {
  const wire: Record<string, unknown> = {};
  for (const [field, name] of Object.entries(USAGE_WIRE)) {
    const value = usage[field as keyof Usage];
    if (value !== undefined) wire[name] = value;
  }
  return wire as WireUsage;
}

/** The fields a body may change on a message (PATCH, checkpoint, finalize), camelCased. */
export function changesFromWire(body: WireNewMessage): MessageChanges {
  return {
    ...(body.content !== undefined && { content: body.content }),
    ...(body.data !== undefined && { data: body.data }),
    ...(body.format !== undefined && { format: body.format }),
    ...(body.kind !== undefined && { kind: body.kind }),
    ...(body.tool_call_ids !== undefined && { toolCallIds: body.tool_call_ids }),
    ...(body.tool_result_ids !== undefined && { toolResultIds: body.tool_result_ids }),
    ...(body.status !== undefined && { status: body.status }),
    ...(body.usage !== undefined && {
      usage: body.usage === null ? null : usageFromWire(body.usage),
    }),
    ...(body.metadata !== undefined && { metadata: body.metadata }),
    ...(body.token_count !== undefined && { tokenCount: body.token_count }),
  };
}

export function newMessageFromWire(body: WireNewMessage): NewMessage {
  return {
    role: body.role as Role,
    ...changesFromWire(body),
    ...(body.message_id !== undefined && { messageId: body.message_id }),
  };
}

/** A stored message as the API answers it. */
export function messageJson(message: Message) {
  return {
    seq: message.seq,
    message_id: message.messageId,
    role: message.role,
    content: message.content,
    metadata: message.metadata,
    created_at: message.createdAt.toISOString(),
    data: message.data,
    format: message.format,
    kind: message.kind,
    tool_call_ids: message.toolCallIds,
    tool_result_ids: message.toolResultIds,
    status: message.status,
    version: message.version,
    updated_at: message.updatedAt.toISOString(),
    usage: message.usage === null ? null : usageToWire(message.usage),
    token_count: message.tokenCount,
  };
}

/** The inverse of newMessageFromWire: a message as a client sends it. */
export function newMessageToWire(message: NewMessage | MessageChanges): WireNewMessage {
  const m = message as NewMessage;
  return {
    ...(m.role !== undefined && { role: m.role }),
    ...(m.content !== undefined && { content: m.content }),
    ...(m.metadata !== undefined && { metadata: m.metadata }),
    ...(m.messageId !== undefined && { message_id: m.messageId }),
    ...(m.data !== undefined && { data: m.data }),
    ...(m.format !== undefined && { format: m.format }),
    ...(m.kind !== undefined && { kind: m.kind }),
    ...(m.toolCallIds !== undefined && { tool_call_ids: m.toolCallIds }),
    ...(m.toolResultIds !== undefined && { tool_result_ids: m.toolResultIds }),
    ...(m.status !== undefined && { status: m.status }),
    ...(m.usage !== undefined && { usage: m.usage === null ? null : usageToWire(m.usage) }),
    ...(m.tokenCount !== undefined && { token_count: m.tokenCount }),
  };
}

/** A message as the API answers it (messageJson's output). */
export type WireMessage = ReturnType<typeof messageJson>;

/** The inverse of messageJson. */
export function messageFromWire(wire: WireMessage): Message {
  return {
    seq: wire.seq,
    messageId: wire.message_id,
    role: wire.role,
    content: wire.content,
    metadata: wire.metadata,
    createdAt: new Date(wire.created_at),
    data: wire.data ?? null,
    format: wire.format ?? null,
    kind: wire.kind ?? 'message',
    toolCallIds: wire.tool_call_ids ?? [],
    toolResultIds: wire.tool_result_ids ?? [],
    status: wire.status ?? 'complete',
    version: wire.version ?? 1,
    updatedAt: new Date(wire.updated_at ?? wire.created_at),
    usage: wire.usage ? usageFromWire(wire.usage) : null,
    tokenCount: wire.token_count,
  };
}
