/** One Server-Sent Event as the draft events route sends it. */
export interface ServerEvent {
  id: string;
  event: string;
  data: unknown;
}

/**
 * Opens an SSE stream and hands out its events one at a time, as they arrive, until the server
 * ends it (then `next()` resolves to null).
 */
export async function openEventStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; next(): Promise<ServerEvent | null>; close(): Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<ServerEvent | null> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parse(block);
      }
      const { done, value } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
    }
  };
  return {
    status: response.status,
    next,
    close: async () => {
      controller.abort();
      await reader.cancel().catch(() => {});
    },
  };
}

function parse(block: string): ServerEvent {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return {
    id: fields.get('id') ?? '',
    event: fields.get('event') ?? 'message',
    data: JSON.parse(fields.get('data') ?? 'null'),
  };
}
