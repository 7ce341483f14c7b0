import type { Role } from './types.js';

/**
 * A full-text search over one user's messages. `query` takes the syntax people know from web
 * search: words (all must match), "quoted phrases", `-word` to exclude, `or` between
 * alternatives. Accents are folded ("acao" finds "ação"); Chinese, Japanese and Korean text is
 * matched by substring (trigrams), since it has no spaces between words.
 */
export interface SearchInput {
  userId: string;
  query: string;
  /** Only this session's messages. */
  sessionId?: string;
  role?: Role;
  /** Messages created at or after this instant. */
  from?: Date;
  /** Messages created before this instant. */
  to?: Date;
  /** Hits per page; default 20, at most 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface SearchHit {
  sessionId: string;
  seq: number;
  messageId: string;
  role: Role;
  createdAt: Date;
  /**
   * A short excerpt of the content around the matches, HTML-escaped, with each match wrapped in
   * `<mark>…</mark>`: safe to insert as HTML, or strip the tags for plain text.
   */
  snippet: string;
  /** Higher is better; comparable within one search only. */
  rank: number;
}

export interface SearchPage {
  /** Best first. */
  hits: SearchHit[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
/** Characters of a query: enough for any question, short of a document pasted in. */
export const MAX_QUERY_CHARS = 1000;
