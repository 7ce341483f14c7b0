import { authHeaders, query } from '../api.js';
import type { Message, Session } from '../types.js';

/** The session and every message of it, as JSON (the API's own shapes), a page at a time. */
export async function exportSession(base: string, session: Session) {
  const messages: Message[] = [];
  for (let after = 0; ;) {
    const response = await fetch(`${base}/messages${query({ after_seq: after, limit: 500 })}`, {
      headers: authHeaders(),
    });
    if (!response.ok) return;
    const page = ((await response.json()) as { messages: Message[] }).messages;
    messages.push(...page);
    if (page.length < 500) break;
    after = page.at(-1)!.seq;
  }
  const blob = new Blob([JSON.stringify({ session, messages }, null, 2)], {
    type: 'application/json',
  });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${session.session_id}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
