import { authHeaders } from '../api.js';
import type { Message } from '../types.js';

/**
 * Follows a streaming message over the service's Server-Sent Events route until it is final.
 * EventSource cannot send an Authorization header, so this reads the stream with fetch. A
 * dropped connection is resumed with Last-Event-ID (the message version), a few times.
 */
export async function followMessage(
  sessionId: string,
  message: Message,
  onChange: (message: Message) => void,
  signal: AbortSignal,
): Promise<void> {
  let version = message.version;
  let status = message.status;
  for (let attempt = 0; attempt < RECONNECTS && status === 'streaming' && !signal.aborted;) {
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}/messages/${encodeURIComponent(
      message.message_id,
    )}/events`;
    try {
      const response = await fetch(path, {
        headers: {
          ...authHeaders(),
          'last-event-id': String(version),
          accept: 'text/event-stream',
        },
        signal,
      });
      if (!response.ok || !response.body) return;
      attempt = 0;
      for await (const event of serverSentEvents(response.body)) {
        if (event.event !== 'message') continue;
        const next = JSON.parse(event.data) as Message;
        version = next.version;
        status = next.status;
        onChange(next);
      }
    } catch {
      if (signal.aborted) return;
    }
    attempt += 1;
    if (status === 'streaming') await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const RECONNECTS = 5;

interface ServerSentEvent {
  event: string;
  data: string;
  id: string | null;
}

/** The text/event-stream format: fields a line each, events ended by a blank line. */
async function* serverSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let current: ServerSentEvent = { event: 'message', data: '', id: null };
  let hasData = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
      if (line === '') {
        if (hasData) yield current;
        current = { event: 'message', data: '', id: null };
        hasData = false;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') current.event = text;
      else if (field === 'id') current.id = text;
      else if (field === 'data') {
        current.data = hasData ? `${current.data}\n${text}` : text;
        hasData = true;
      }
    }
  }
}
