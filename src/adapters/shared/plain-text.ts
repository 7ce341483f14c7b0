import { DEFAULT_LIMITS } from '../../contract/limits.js';

/**
 * The plain-text view a message's `content` keeps for search and analytics: NUL characters
 * (which PostgreSQL text refuses) dropped, lone surrogates made U+FFFD, and cut to the store's
 * default content limit on a character boundary. The framework's message in `data` stays whole
 * (its JSON escapes them), so a message is never refused because of its text view.
 */
export function plainText(text: string, maxBytes = DEFAULT_LIMITS.maxContentBytes): string {
  const clean = text.replaceAll('\u0000', '').toWellFormed();
  if (Buffer.byteLength(clean, 'utf8') <= maxBytes) return clean;
  const bytes = Buffer.from(clean, 'utf8').subarray(0, maxBytes);
  // Drop a trailing partial character (the decoder turns it into U+FFFD).
  return bytes.toString('utf8').replace(/\uFFFD+$/, '');
}
