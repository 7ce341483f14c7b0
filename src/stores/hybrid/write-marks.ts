import { STATEMENT_TIMEOUT_MS } from '../postgres/postgres-driver.js';

/**
 * write-through's write marks (scripts/mark-write.lua): how often a live writer refreshes its
 * mark, and the age past which a mark is abandoned. A dead writer's statements end in
 * PostgreSQL within the statement timeout of being sent, and it sent them within a heartbeat of
 * its last refresh; the margin covers a slow commit.
 */
export const MARK_HEARTBEAT_MS = 5_000;
export const MARK_ABANDONED_MS = STATEMENT_TIMEOUT_MS + 2 * MARK_HEARTBEAT_MS + 10_000;
