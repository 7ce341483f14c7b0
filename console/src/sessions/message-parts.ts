import type { Message } from '../types.js';

/**
 * What a message holds, read from its framework `data` where there is one (the AI SDK's UI
 * message parts, an OpenAI Agents item, a LangChain message) and from its plain fields where
 * not. Formats differ in their field names, not in what they say: a tool call has an id, a
 * name, an input; a result an id and an output; a file a URL and a media type.
 */
export interface ToolCall {
  id: string;
  name: string | null;
  input: unknown;
  /** When the same message also carries the output (the AI SDK's tool parts do). */
  output?: unknown;
}

export interface Attachment {
  url: string;
  mediaType: string | null;
  name: string | null;
}

export interface MessageParts {
  calls: ToolCall[];
  /** Tool call id -> output, for the results this message answers. */
  results: Map<string, unknown>;
  reasoning: string[];
  attachments: Attachment[];
}

export function messageParts(message: Message): MessageParts {
  const parts: MessageParts = { calls: [], results: new Map(), reasoning: [], attachments: [] };
  const data = parseJson(message.data);
  const ids: Ids = {
    calls: new Set(message.tool_call_ids),
    results: new Set(message.tool_result_ids),
  };
  if (data !== undefined) walk(data, parts, ids, 0);
  // Ids the message names but its data did not describe (or a message without data).
  for (const id of message.tool_call_ids) {
    if (parts.calls.some((call) => call.id === id)) continue;
    const name = text(message.metadata.tool_name) ?? text(message.metadata.name);
    parts.calls.push({ id, name, input: parseJson(message.content) ?? message.content });
  }
  for (const id of message.tool_result_ids) {
    if (!parts.results.has(id))
      parts.results.set(id, parseJson(message.content) ?? message.content);
  }
  return parts;
}

const MAX_DEPTH = 6;

/** The call ids the message opens and answers (its tool_call_ids and tool_result_ids). */
interface Ids {
  calls: Set<string>;
  results: Set<string>;
}

function walk(value: unknown, parts: MessageParts, ids: Ids, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, parts, ids, depth + 1);
    return;
  }
  const node = value as Record<string, unknown>;
  const type = text(node.type) ?? '';
  const callId =
    text(node.toolCallId) ?? text(node.callId) ?? text(node.call_id) ?? text(node.tool_call_id);
  if (type === 'reasoning') {
    const said = reasoningText(node);
    if (said) parts.reasoning.push(said);
    return;
  }
  if (isAttachment(type, node)) {
    const url = attachmentUrl(node);
    if (url) {
      parts.attachments.push({
        url,
        mediaType: text(node.mediaType) ?? text(node.mimeType) ?? text(node.media_type),
        name: text(node.filename) ?? text(node.name),
      });
    }
    return;
  }
  // LangChain: tool_calls: [{ id, name, args }] whose id the message names.
  const listedCall = !callId && text(node.id) !== null && ids.calls.has(text(node.id)!);
  const id = callId ?? (listedCall ? text(node.id) : null);
  if (id) {
    // The message's own lists say which it is; the shape decides for a message without them.
    const resultOnly = ids.results.has(id)
      ? !ids.calls.has(id)
      : !ids.calls.has(id) &&
        (/result|output/.test(type) || (node.output !== undefined && !hasInput(node)));
    if (resultOnly) {
      parts.results.set(id, unwrapOutput(node.output ?? node.result ?? node.content));
      return;
    }
    if (!parts.calls.some((call) => call.id === id)) {
      parts.calls.push({
        id,
        name:
          text(node.toolName) ??
          text(node.name) ??
          (type.startsWith('tool-') ? type.slice('tool-'.length) : null),
        input: parseMaybe(node.input ?? node.args ?? node.arguments),
        ...(node.output !== undefined && { output: unwrapOutput(node.output) }),
      });
    }
    return;
  }
  for (const child of Object.values(node)) walk(child, parts, ids, depth + 1);
}

function hasInput(node: Record<string, unknown>): boolean {
  return node.input !== undefined || node.args !== undefined || node.arguments !== undefined;
}

function isAttachment(type: string, node: Record<string, unknown>): boolean {
  return (
    type === 'file' ||
    type === 'image' ||
    type === 'image_url' ||
    type === 'input_image' ||
    type === 'input_file' ||
    (typeof node.mediaType === 'string' && typeof node.url === 'string')
  );
}

function attachmentUrl(node: Record<string, unknown>): string | null {
  const nested = node.image_url as { url?: unknown } | string | undefined;
  const url =
    text(node.url) ??
    text(node.image) ??
    (typeof nested === 'string' ? nested : text(nested?.url)) ??
    text(node.imageUrl) ??
    text(node.fileData);
  // Only what a page may show safely: web addresses and inline data.
  return url && /^(https?:|data:)/i.test(url) ? url : null;
}

function reasoningText(node: Record<string, unknown>): string {
  const direct = text(node.text) ?? text(node.reasoning);
  if (direct) return direct;
  const pieces = [node.content, node.summary, node.rawContent]
    .filter(Array.isArray)
    .flat()
    .map((piece) => (typeof piece === 'string' ? piece : text((piece as { text?: unknown })?.text)))
    .filter((piece): piece is string => !!piece);
  return pieces.join('\n\n');
}

/** Outputs are often `{ type: 'text', value }` or `{ type: 'json', value }` wrappers. */
function unwrapOutput(output: unknown): unknown {
  if (output && typeof output === 'object' && !Array.isArray(output)) {
    const wrapped = output as { type?: unknown; value?: unknown; text?: unknown };
    if (wrapped.value !== undefined && typeof wrapped.type === 'string') return wrapped.value;
    if (typeof wrapped.text === 'string' && wrapped.type === 'text') return wrapped.text;
  }
  return parseMaybe(output);
}

function parseMaybe(value: unknown): unknown {
  return typeof value === 'string' ? (parseJson(value) ?? value) : value;
}

function parseJson(value: string | null): unknown {
  if (value === null || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A value as readable text: strings as they are, anything else as indented JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}
