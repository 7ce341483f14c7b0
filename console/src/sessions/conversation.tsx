import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError, query } from '../api.js';
import { formatNumber, formatTime } from '../format.js';
import { href, navigate } from '../route.js';
import type { Message, Session } from '../types.js';
import { ConfirmDialog } from '../confirm-dialog.js';
import { exportSession } from './export-session.js';
import { followMessage } from './follow-message.js';
import { appendNewer, prependOlder, type MessageWindow } from './message-window.js';
import { MessageView, toolLinks } from './message-view.js';
import { PageHeading } from '../page-heading.js';

/** Messages per request, either way. */
const PAGE = 50;
/** How often the newest end asks for messages written since (new turns, new drafts). */
const POLL_MS = 2000;

/** One conversation as people read it, paged both ways by seq, drafts followed live. */
export function ConversationView(props: { sessionId: string; seq: number | null }) {
  const { sessionId } = props;
  const [session, setSession] = useState<Session | null>(null);
  const [view, setView] = useState<MessageWindow | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const base = `/v1/sessions/${encodeURIComponent(sessionId)}`;
  const anchor = useRef<{ seq: number; top: number } | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const { session: found } = await api<{ session: Session }>(base);
        const around = props.seq;
        const messages = around
          ? await page({ after_seq: Math.max(0, around - 10), limit: PAGE })
          : await page({ last: PAGE });
        if (cancelled) return;
        setSession(found);
        setView({
          messages,
          hasOlder: (messages[0]?.seq ?? 1) > 1,
          hasNewer: around !== null && messages.length === PAGE,
        });
      } catch (failure) {
        if (!cancelled) {
          setError(
            failure instanceof ApiError && failure.status === 404
              ? 'No such conversation for this key.'
              : describeError(failure),
          );
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [sessionId, props.seq]);

  const page = async (params: Record<string, number>) =>
    (await api<{ messages: Message[] }>(`${base}/messages${query(params)}`)).messages;

  const replace = (changed: Message) =>
    setView(
      (current) =>
        current && {
          ...current,
          messages: current.messages.map((message) =>
            message.seq === changed.seq && changed.version >= message.version ? changed : message,
          ),
        },
    );

  // Drafts still streaming are followed until final, each once.
  const followed = useRef(new Map<string, AbortController>());
  useEffect(() => {
    for (const message of view?.messages ?? []) {
      if (message.status !== 'streaming' || followed.current.has(message.message_id)) continue;
      const controller = new AbortController();
      followed.current.set(message.message_id, controller);
      void followMessage(sessionId, message, replace, controller.signal).then(() => {
        if (!controller.signal.aborted) announceEnd(message.message_id);
      });
    }
  }, [view]);
  useEffect(
    () => () => {
      for (const controller of followed.current.values()) controller.abort();
    },
    [],
  );
  const announceEnd = (messageId: string) =>
    setView((current) => {
      const ended = current?.messages.find((message) => message.message_id === messageId);
      if (ended) setAnnouncement(`Message #${ended.seq} ended: ${ended.status}.`);
      return current;
    });

  // At the newest end, new messages appear as they are written.
  const atNewest = view !== null && !view.hasNewer;
  useEffect(() => {
    if (!atNewest) return;
    const timer = setInterval(async () => {
      if (document.hidden) return; // a tab in the background asks nothing
      const last = view?.messages.at(-1)?.seq ?? 0;
      try {
        const newer = await page({ after_seq: last, limit: PAGE });
        if (newer.length === 0) return;
        setView((current) => current && appendNewer(current, newer, newer.length === PAGE));
        setAnnouncement(`${newer.length} new message${newer.length === 1 ? '' : 's'}.`);
      } catch {
        // The next tick tries again; an erased key signs out through the API module.
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [atNewest, view?.messages.at(-1)?.seq]);

  // Older messages go above: the message that was on top stays where it was on screen.
  useLayoutEffect(() => {
    const kept = anchor.current;
    if (!kept) return;
    anchor.current = null;
    const element = document.getElementById(`m-${kept.seq}`);
    if (element) window.scrollBy(0, element.getBoundingClientRect().top - kept.top);
  }, [view]);

  // Opened at a message (a search hit): bring it into view.
  useEffect(() => {
    if (props.seq && view) {
      const element = document.getElementById(`m-${props.seq}`);
      element?.scrollIntoView({ block: 'center' });
      element?.focus({ preventScroll: true });
    }
  }, [props.seq, view !== null]);

  const loadOlder = async () => {
    if (!view) return;
    const first = view.messages[0];
    if (!first) return;
    setBusy(true);
    try {
      const older = await page({ before_seq: first.seq, limit: PAGE });
      anchor.current = {
        seq: first.seq,
        top: document.getElementById(`m-${first.seq}`)?.getBoundingClientRect().top ?? 0,
      };
      setView((current) => current && prependOlder(current, older, older.length === PAGE));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const loadNewer = async () => {
    const last = view?.messages.at(-1);
    if (!last) return;
    setBusy(true);
    try {
      const newer = await page({ after_seq: last.seq, limit: PAGE });
      setView((current) => current && appendNewer(current, newer, newer.length === PAGE));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setConfirming(false);
    try {
      await api(base, { method: 'DELETE' });
      navigate(['sessions']);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const links = useMemo(() => toolLinks(view?.messages ?? []), [view?.messages]);

  if (error && !session) {
    return (
      <>
        <PageHeading>Conversation</PageHeading>
        <p class="error" role="alert">
          {error}
        </p>
        <a href={href(['sessions'])}>Back to the conversations</a>
      </>
    );
  }
  if (!session || !view) return <p role="status">Loading…</p>;
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={href(['sessions'])}>Conversations</a> ›
      </nav>
      <PageHeading>{session.title ?? session.session_id}</PageHeading>
      <div class="row between wrap">
        <p class="meta">
          <code>{session.session_id}</code>
          {session.agent_id && <span class="tag">agent {session.agent_id}</span>}
          <span>{formatNumber(session.message_count)} messages</span>
          <span>started {formatTime(session.created_at)}</span>
          {session.expires_at && <span>expires {formatTime(session.expires_at)}</span>}
        </p>
        <div class="actions">
          <button type="button" onClick={() => exportSession(base, session)}>
            Export
          </button>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      </div>
      {Object.keys(session.metadata).length > 0 && (
        <details class="raw">
          <summary>Session metadata</summary>
          <pre>{JSON.stringify(session.metadata, null, 2)}</pre>
        </details>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      {view.hasOlder && (
        <button type="button" class="pager" disabled={busy} onClick={loadOlder}>
          Older messages (before #{view.messages[0]?.seq})
        </button>
      )}
      <div class="messages" data-testid="messages">
        {view.messages.length === 0 && <p class="empty">This conversation has no messages.</p>}
        {view.messages.map((message) => (
          <MessageView
            key={message.seq}
            message={message}
            links={links}
            highlighted={message.seq === props.seq}
          />
        ))}
      </div>
      {view.hasNewer && (
        <button type="button" class="pager" disabled={busy} onClick={loadNewer}>
          Newer messages (after #{view.messages.at(-1)?.seq})
        </button>
      )}
      {confirming && (
        <ConfirmDialog
          title="Delete this conversation?"
          confirm="Delete"
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        >
          <p>
            <code>{session.session_id}</code> and its {formatNumber(session.message_count)} messages
            are deleted for good.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
