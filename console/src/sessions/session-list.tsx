import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, describeError, query as queryString } from '../api.js';
import { formatAgo, formatNumber, formatTime } from '../format.js';
import { Snippet } from '../markdown.js';
import { href, navigate } from '../route.js';
import type { SearchHit, Session } from '../types.js';
import { PageHeading } from '../page-heading.js';

const PAGE = 25;

/** The user's sessions, most recently active first, a page at a time; or search hits. */
export function SessionList({ query, role }: { query: string; role: string }) {
  const [text, setText] = useState(query);
  const [from, setFrom] = useState(role);
  useEffect(() => setText(query), [query]);
  useEffect(() => setFrom(role), [role]);
  // "/" jumps to the search box, as on most sites with one (not while typing elsewhere).
  useEffect(() => {
    const jump = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== '/' || target?.closest('input, textarea, select, [contenteditable]'))
        return;
      event.preventDefault();
      document.getElementById('q')?.focus();
    };
    addEventListener('keydown', jump);
    return () => removeEventListener('keydown', jump);
  }, []);
  return (
    <>
      <PageHeading>Conversations</PageHeading>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(['sessions'], { q: text.trim(), role: text.trim() ? from : undefined });
        }}
      >
        <label for="q">Search messages</label>
        <input
          id="q"
          type="search"
          value={text}
          placeholder={'hotel lisbon, "a phrase", -without'}
          title="Press / to come here from anywhere on the list"
          aria-keyshortcuts="/"
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <label class="inline">
          <span>from</span>
          <select value={from} onChange={(event) => setFrom(event.currentTarget.value)}>
            <option value="">anyone</option>
            <option value="user">the user</option>
            <option value="assistant">the assistant</option>
            <option value="tool">tools</option>
            <option value="system">the system</option>
          </select>
        </label>
        <button type="submit">Search</button>
        {query && (
          <a class="button quiet" href={href(['sessions'])}>
            Clear
          </a>
        )}
      </form>
      {query ? <SearchResults query={query} role={role} /> : <Sessions />}
    </>
  );
}

function Sessions() {
  const [sessions, setSessions] = useState<Session[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const load = async (from: string | undefined) => {
    setLoading(true);
    try {
      const page = await api<{ sessions: Session[]; next_cursor: string | null }>(
        `/v1/sessions${queryString({ limit: PAGE, cursor: from })}`,
      );
      setSessions((before) => (from ? [...before, ...page.sessions] : page.sessions));
      setCursor(page.next_cursor);
      setError('');
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(undefined), []);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? sessions.filter((session) =>
        [session.session_id, session.title ?? '', session.agent_id ?? ''].some((field) =>
          field.toLowerCase().includes(needle),
        ),
      )
    : sessions;
  return (
    <section aria-labelledby="sessions-heading">
      <div class="row between">
        <h2 id="sessions-heading">Sessions, newest activity first</h2>
        <label class="inline">
          <span>Filter</span>
          <input
            type="text"
            value={filter}
            placeholder="id, title or agent"
            onInput={(event) => setFilter(event.currentTarget.value)}
          />
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {cursor === undefined && loading && <p role="status">Loading…</p>}
      {cursor !== undefined && sessions.length === 0 && (
        <p class="empty">
          No conversations yet. Messages stored with this key (
          <code>POST /v1/sessions/&lt;id&gt;/messages</code>) show up here.
        </p>
      )}
      <ul class="cards" aria-label="Sessions" data-testid="session-list">
        {shown.map((session) => (
          <li key={session.session_id}>
            <a class="card" href={href(['sessions', session.session_id])}>
              <span class="title">{session.title ?? session.session_id}</span>
              <span class="meta">
                {session.title && <code>{session.session_id}</code>}
                {session.agent_id && <span class="tag">agent {session.agent_id}</span>}
                <span>{formatNumber(session.message_count)} messages</span>
                <time dateTime={session.updated_at} title={formatTime(session.updated_at)}>
                  {formatAgo(session.updated_at)}
                </time>
              </span>
            </a>
          </li>
        ))}
      </ul>
      {needle && shown.length === 0 && sessions.length > 0 && (
        <p class="empty">No loaded session matches “{filter}”.</p>
      )}
      {cursor && (
        <button type="button" disabled={loading} onClick={() => load(cursor)}>
          {loading ? 'Loading…' : 'More sessions'}
        </button>
      )}
    </section>
  );
}

function SearchResults({ query, role }: { query: string; role: string }) {
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const load = async (from: string | null) => {
    try {
      const page = await api<{ hits: SearchHit[]; next_cursor: string | null }>(
        `/v1/search${queryString({ q: query, role, limit: 20, cursor: from })}`,
      );
      setHits((before) => (from && before ? [...before, ...page.hits] : page.hits));
      setCursor(page.next_cursor);
      setError('');
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 501
          ? 'This store (redis) has no full-text search.'
          : describeError(failure),
      );
    }
  };
  useEffect(() => {
    setHits(null);
    void load(null);
  }, [query, role]);
  return (
    <section aria-labelledby="hits-heading">
      <h2 id="hits-heading">Messages matching “{query}”</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {hits === null && !error && <p role="status">Searching…</p>}
      {hits?.length === 0 && (
        <p class="empty" role="status">
          No message matches.
        </p>
      )}
      <ul class="cards" aria-label="Search results" data-testid="search-results">
        {hits?.map((hit) => (
          <li key={hit.message_id}>
            <a class="card" href={href(['sessions', hit.session_id], { seq: hit.seq })}>
              <span class="title">
                <Snippet html={hit.snippet} />
              </span>
              <span class="meta">
                <code>{hit.session_id}</code>
                <span>
                  {hit.role} · message {hit.seq}
                </span>
                <time dateTime={hit.created_at}>{formatTime(hit.created_at)}</time>
              </span>
            </a>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          More results
        </button>
      )}
    </section>
  );
}
