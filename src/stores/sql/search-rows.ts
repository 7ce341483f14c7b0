import type { Role } from '../../contract/types.js';
import type { SearchHit } from '../../contract/search.js';

/** A row of search.sql / search-cjk.sql. int8 arrives as a string from postgres.js. */
export interface SearchRow {
  session_id: string;
  seq: number | string;
  message_id: string;
  role: Role;
  created_at: Date;
  rank: number | string;
  snippet: string;
}

export function searchHitFromRow(row: SearchRow): SearchHit {
  return {
    sessionId: row.session_id,
    seq: Number(row.seq),
    messageId: row.message_id,
    role: row.role,
    createdAt: row.created_at,
    snippet: row.snippet,
    rank: Number(row.rank),
  };
}
