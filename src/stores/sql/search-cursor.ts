import { ValidationError } from '../../contract/errors.js';

/**
 * A search page's position: how many hits came before it. Ranked hits have no key to seek
 * from (a rank ties and moves as messages arrive), and every page ranks all hits anyway, so an
 * offset costs nothing more. Capped so that nobody pages the whole table through a search.
 */
export const MAX_SEARCH_OFFSET = 10_000;

/**
 * Hits ranked per query: the newest ones (by createdAt). Ranking parses each message again, so
 * a word in tens of thousands of a user's messages would cost seconds; beyond this many hits
 * the older ones follow the ranked ones newest first, unranked (search.sql).
 */
export const RANKED_SEARCH_HITS = 1_000;

/** Opaque to callers: base64url of `s<offset>`. */
export function encodeSearchCursor(offset: number): string {
  return Buffer.from(`s${offset}`, 'utf8').toString('base64url');
}

export function decodeSearchCursor(text: string): number {
  const match = /^s(\d{1,6})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const offset = match ? Number(match[1]) : NaN;
  if (!match || encodeSearchCursor(offset) !== text) {
    throw ValidationError.field('cursor', 'is malformed (pass back a nextCursor unchanged)');
  }
  if (offset > MAX_SEARCH_OFFSET) {
    throw ValidationError.field('cursor', `goes past ${MAX_SEARCH_OFFSET} hits: narrow the query`);
  }
  return offset;
}
