import type { MessageKind, NewMessage, Usage } from '../../contract/types.js';
import { asRecord, nonEmptyString, tokenNumber } from '../shared/json-value.js';
import { plainText } from '../shared/plain-text.js';

/** The name of `data`'s shape for an AI SDK UIMessage. */
export const UI_MESSAGE_FORMAT = 'ai-sdk/ui-message';

/**
 * The part of a UIMessage this adapter reads. Structural, so that `ai` 6 and 7 (and apps' typed
 * messages with their own metadata, data and tool types) all fit without importing the package.
 */
export interface UIMessageLike {
  id: string;
  role: 'system' | 'user' | 'assistant';
  metadata?: unknown;
  parts: ReadonlyArray<{ type: string }>;
}

/** Tool parts whose call has an outcome; the others are still open. */
const ANSWERED_STATES = new Set(['output-available', 'output-error', 'output-denied']);

/** What the store keeps besides the bytes: the text view, tool links and usage. */
export interface UIMessageFields {
  content: string;
  kind: MessageKind;
  toolCallIds: string[];
  toolResultIds: string[];
  usage: Usage | null;
}

/**
 * Reads the fields the store indexes from a UIMessage. An assistant message holds its tool calls
 * and their results in the same message, so its call ids are both opened and answered here; a
 * call still waiting (input, approval) makes it a 'tool-call' that model-context reads can skip.
 */
export function describeUIMessage(message: UIMessageLike, finishReason?: string): UIMessageFields {
  const texts: string[] = [];
  const toolCallIds: string[] = [];
  const toolResultIds: string[] = [];
  for (const part of message.parts) {
    const fields = part as { type: string; text?: unknown; toolCallId?: unknown; state?: unknown };
    if (fields.type === 'text' && typeof fields.text === 'string') texts.push(fields.text);
    if (isToolPart(fields.type) && typeof fields.toolCallId === 'string') {
      if (!toolCallIds.includes(fields.toolCallId)) toolCallIds.push(fields.toolCallId);
      if (typeof fields.state === 'string' && ANSWERED_STATES.has(fields.state)) {
        if (!toolResultIds.includes(fields.toolCallId)) toolResultIds.push(fields.toolCallId);
      }
    }
  }
  const open = toolCallIds.some((id) => !toolResultIds.includes(id));
  return {
    content: plainText(texts.join('\n')),
    kind: open ? 'tool-call' : 'message',
    toolCallIds,
    toolResultIds,
    usage: usageOf(message.metadata, finishReason),
  };
}

function isToolPart(type: string): boolean {
  return type.startsWith('tool-') || type === 'dynamic-tool';
}

/** A UIMessage as a new stored message: its JSON text is the bytes kept. */
export function toNewMessage(message: UIMessageLike, data = JSON.stringify(message)): NewMessage {
  const fields = describeUIMessage(message);
  return {
    messageId: message.id,
    role: message.role,
    data,
    format: UI_MESSAGE_FORMAT,
    content: fields.content,
    kind: fields.kind,
    toolCallIds: fields.toolCallIds,
    toolResultIds: fields.toolResultIds,
    ...(fields.usage ? { usage: fields.usage } : {}),
  };
}

/**
 * Usage from the message metadata apps attach on the finish chunk (`messageMetadata`), in the
 * shapes the SDK's docs use: `{ usage | totalUsage: LanguageModelUsage, model?, finishReason? }`
 * (v6 and v7 token details both read). Null when there is none.
 */
export function usageOf(metadata: unknown, finishReason?: string): Usage | null {
  const meta = asRecord(metadata);
  const tokens = asRecord(meta?.totalUsage) ?? asRecord(meta?.usage);
  const inputDetails = asRecord(tokens?.inputTokenDetails);
  const outputDetails = asRecord(tokens?.outputTokenDetails);
  const usage: Usage = {};
  const set = <K extends keyof Usage>(key: K, value: Usage[K] | undefined) => {
    if (value !== undefined) usage[key] = value;
  };
  set('model', nonEmptyString(meta?.model) ?? nonEmptyString(meta?.modelId));
  set('provider', nonEmptyString(meta?.provider));
  set('inputTokens', tokenNumber(tokens?.inputTokens));
  set('outputTokens', tokenNumber(tokens?.outputTokens));
  set('totalTokens', tokenNumber(tokens?.totalTokens));
  set(
    'reasoningTokens',
    tokenNumber(outputDetails?.reasoningTokens) ?? tokenNumber(tokens?.reasoningTokens),
  );
  set(
    'cachedInputTokens',
    tokenNumber(inputDetails?.cacheReadTokens) ?? tokenNumber(tokens?.cachedInputTokens),
  );
  set('latencyMs', tokenNumber(meta?.latencyMs));
  set('finishReason', nonEmptyString(meta?.finishReason) ?? nonEmptyString(finishReason));
  return Object.keys(usage).length > 0 ? usage : null;
}
