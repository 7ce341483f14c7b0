import { createHash } from 'node:crypto';

/**
 * The idempotency fingerprint of an append: a retried messageId is the same request only if its
 * fields hash the same. JSON objects are hashed with their keys sorted, so a client that
 * re-serialises metadata in another key order is still retrying, while `data` (the framework's
 * own text) is compared byte for byte.
 */
export function fingerprint(fields: readonly unknown[]): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('base64url').slice(0, 22);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** About four UTF-8 bytes per token: what budget windows use when the caller gives no count. */
export function estimateTokens(content: string, data: string | null): number {
  const text = content !== '' ? content : (data ?? '');
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}
