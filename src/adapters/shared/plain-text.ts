import { DEFAULT_LIMITS } from '../../contract/limits.js';

/**
 * The plain-text view a message's `content` keeps for search and analytics, cut to the store's
 * default content limit on a character boundary: the framework's message in `data` stays whole,
 * so a very long reply is never refused because of its text view.
 */
export function plainText(text: string, maxBytes = DEFAULT_LIMITS.maxContentBytes): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8').subarray(0, maxBytes);
  // Drop a trailing partial character (the decoder turns it into U+FFFD).
  return bytes.toString('utf8').replace(/\uFFFD+$/, '');
}
