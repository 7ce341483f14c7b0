import type { AgentInputItem } from '@openai/agents';
import type { MessageKind, NewMessage, Role } from '../../contract/types.js';
import { plainText } from '../shared/plain-text.js';

/** The name of `data`'s shape for an OpenAI Agents item. */
export const AGENT_ITEM_FORMAT = 'openai-agents/item';

/**
 * Binary values (Uint8Array, ArrayBuffer, Buffer, in tool outputs and file inputs) have no JSON
 * form: JSON.stringify would turn them into index objects and lose their type. They are written
 * as `{ "$convstore.bytes": "<base64>" }` and read back as Uint8Array, byte for byte.
 */
const BYTES_KEY = '$convstore.bytes';

export function encodeItem(item: AgentInputItem): string {
  return JSON.stringify(item, function (this: unknown, key, value: unknown) {
    // `value` has already been through toJSON (a Buffer arrives as { type, data }): read the raw.
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Uint8Array) return { [BYTES_KEY]: Buffer.from(raw).toString('base64') };
    if (raw instanceof ArrayBuffer) {
      return { [BYTES_KEY]: Buffer.from(raw).toString('base64') };
    }
    return value;
  });
}

export function decodeItem(data: string): AgentInputItem {
  return JSON.parse(data, (_key, value: unknown) => {
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Record<string, unknown>)[BYTES_KEY] === 'string' &&
      Object.keys(value).length === 1
    ) {
      return new Uint8Array(Buffer.from((value as Record<string, string>)[BYTES_KEY]!, 'base64'));
    }
    return value;
  }) as AgentInputItem;
}

/** Item types that open a tool call (keyed by callId) and the ones that answer one. */
const RESULT_SUFFIXES = ['_result', '_output'];

interface ItemFields {
  role: Role;
  kind: MessageKind;
  toolCallIds: string[];
  toolResultIds: string[];
  content: string;
}

/**
 * What the store indexes about an item: function, computer, shell, apply-patch and tool-search
 * calls open their callId and their outputs answer it (so windows keep the pair); reasoning and
 * compaction items are their own kinds (a window keeps a reasoning item with what follows it).
 */
export function describeItem(item: AgentInputItem): ItemFields {
  const fields = item as Record<string, unknown>;
  const type = typeof fields.type === 'string' ? fields.type : 'message';
  const callId = typeof fields.callId === 'string' && fields.callId !== '' ? fields.callId : null;
  if (type === 'message') {
    return {
      role: messageRole(fields.role),
      kind: 'message',
      toolCallIds: [],
      toolResultIds: [],
      content: plainText(textOf(fields.content)),
    };
  }
  if (type === 'reasoning') {
    return { ...none('assistant', 'reasoning'), content: plainText(textOf(fields.content)) };
  }
  if (type === 'compaction') return none('system', 'compaction');
  if (callId !== null && RESULT_SUFFIXES.some((suffix) => type.endsWith(suffix))) {
    return {
      role: 'tool',
      kind: 'tool-result',
      toolCallIds: [],
      toolResultIds: [callId],
      content: plainText(textOf(fields.output)),
    };
  }
  if (callId !== null && type.endsWith('_call') && type !== 'hosted_tool_call') {
    const name = typeof fields.name === 'string' ? fields.name : type;
    const args = typeof fields.arguments === 'string' ? fields.arguments : '';
    return {
      role: 'assistant',
      kind: 'tool-call',
      toolCallIds: [callId],
      toolResultIds: [],
      content: plainText(`${name}(${args})`),
    };
  }
  return none('assistant', 'other');
}

export function toNewMessage(item: AgentInputItem, messageId: string): NewMessage {
  const fields = describeItem(item);
  return { messageId, data: encodeItem(item), format: AGENT_ITEM_FORMAT, ...fields };
}

function none(role: Role, kind: MessageKind): ItemFields {
  return { role, kind, toolCallIds: [], toolResultIds: [], content: '' };
}

function messageRole(role: unknown): Role {
  if (role === 'user' || role === 'assistant' || role === 'system') return role;
  return role === 'developer' ? 'system' : 'user';
}

/** The text of a content string or of its text-bearing parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      typeof part === 'object' && part !== null && typeof part.text === 'string' ? part.text : '',
    )
    .filter((text) => text !== '')
    .join('\n');
}
