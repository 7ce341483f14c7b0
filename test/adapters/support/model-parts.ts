/** Stream parts of the AI SDK's language model spec (v3), as the mock models emit them. */
export const usage = {
  inputTokens: { total: 30, noCache: 20, cacheRead: 10, cacheWrite: 0 },
  outputTokens: { total: 12, text: 8, reasoning: 4 },
};

export type Part = Record<string, unknown> & { type: string };

export function textParts(id: string, text: string): Part[] {
  return [
    { type: 'text-start', id },
    { type: 'text-delta', id, delta: text },
    { type: 'text-end', id },
  ];
}

export function finish(reason: 'stop' | 'tool-calls'): Part {
  return { type: 'finish', finishReason: { unified: reason, raw: undefined }, usage };
}

export function toolCall(toolCallId: string, toolName: string, input: unknown): Part {
  return { type: 'tool-call', toolCallId, toolName, input: JSON.stringify(input) };
}

/** A stream of these parts; `hold` keeps it open after them until the abort signal fires. */
export function partStream(parts: Part[], hold?: AbortSignal): ReadableStream<Part> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings: [] });
      for (const part of parts) controller.enqueue(part);
      if (!hold) controller.close();
      else hold.addEventListener('abort', () => controller.error(hold.reason));
    },
  });
}
