import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, authHeaders, describeError, query } from '../api.js';
import { ConfirmDialog } from '../confirm-dialog.js';
import { addDays, formatNumber, isoDay } from '../format.js';
import type { UsageRow } from '../types.js';

/** Users with messages, a new user and their key (shown once), export, erase. */
export function UsersPanel({ onSignInAs }: { onSignInAs(key: string): void }) {
  const [rows, setRows] = useState<UsageRow[] | null>(null);
  const [error, setError] = useState('');
  const [created, setCreated] = useState<{ user_id: string; api_key: string } | null>(null);
  const [newId, setNewId] = useState('');
  const [otherId, setOtherId] = useState('');
  const [erasing, setErasing] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const load = async () => {
    try {
      const today = isoDay(new Date());
      const answer = await api<{ rows: UsageRow[] }>(
        `/v1/admin/usage${query({ from: addDays(today, -3650), to: addDays(today, 2), group_by: 'user' })}`,
      );
      setRows(answer.rows.sort((a, b) => b.messages - a.messages));
      setError('');
    } catch (failure) {
      setRows([]);
      setError(
        failure instanceof ApiError && failure.status === 501
          ? 'This store (redis) keeps no history: users are listed from usage, so none are shown.'
          : describeError(failure),
      );
    }
  };
  useEffect(() => void load(), []);
  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const answer = await api<{ user: { user_id: string }; api_key: string }>('/v1/admin/users', {
        method: 'POST',
        body: newId.trim() ? { user_id: newId.trim() } : {},
      });
      setCreated({ user_id: answer.user.user_id, api_key: answer.api_key });
      setNewId('');
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const erase = async (userId: string) => {
    setErasing(null);
    try {
      const { deleted } = await api<{ deleted: { sessions: number; messages: number } }>(
        `/v1/admin/users/${encodeURIComponent(userId)}`,
        { method: 'DELETE' },
      );
      setNotice(
        `Erased ${userId}: ${formatNumber(deleted.sessions)} sessions, ${formatNumber(deleted.messages)} messages, and their keys.`,
      );
      setOtherId('');
      await load();
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <section class="panel wide" aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <form class="row wrap" onSubmit={create} aria-label="Create a user">
        <label class="inline">
          <span>New user id</span>
          <input
            value={newId}
            placeholder="(generated when empty)"
            onInput={(event) => setNewId(event.currentTarget.value)}
          />
        </label>
        <button type="submit">Create user and key</button>
      </form>
      {created && (
        <div class="key-once" role="status" data-testid="new-key">
          <p>
            API key of <strong>{created.user_id}</strong>, shown <strong>once</strong> (only its
            hash is kept): copy it now.
          </p>
          <div class="row">
            <input readOnly aria-label={`API key of ${created.user_id}`} value={created.api_key} />
            <button
              type="button"
              onClick={() => void navigator.clipboard?.writeText(created.api_key)}
            >
              Copy
            </button>
            <button type="button" class="quiet" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
          <div class="row">
            <button type="button" class="quiet" onClick={() => onSignInAs(created.api_key)}>
              Sign in as {created.user_id}
            </button>
            <span class="help">(their conversations, in place of the administration)</span>
          </div>
        </div>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="help">Users with messages in the last ten years, most messages first.</p>
      <div class="table-scroll">
        <table data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Sessions</th>
              <th scope="col">Messages</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows?.map((row) => (
              <tr key={row.user_id} data-user={row.user_id}>
                <th scope="row">
                  <code>{row.user_id}</code>
                </th>
                <td>{formatNumber(row.sessions)}</td>
                <td>{formatNumber(row.messages)}</td>
                <td>
                  {formatNumber(row.input_tokens)} / {formatNumber(row.output_tokens)}
                </td>
                <td class="actions">
                  <button type="button" class="quiet" onClick={() => exportUser(row.user_id!)}>
                    Export<span class="sr-only"> {row.user_id}</span>
                  </button>
                  <button type="button" class="danger" onClick={() => setErasing(row.user_id!)}>
                    Erase<span class="sr-only"> {row.user_id}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows?.length === 0 && !error && <p class="empty">No user has messages yet.</p>}
      <form
        class="row wrap"
        aria-label="Erase a user by id"
        onSubmit={(event) => {
          event.preventDefault();
          if (otherId.trim()) setErasing(otherId.trim());
        }}
      >
        <label class="inline">
          <span>Erase a user by id</span>
          <input value={otherId} onInput={(event) => setOtherId(event.currentTarget.value)} />
        </label>
        <button type="submit" class="danger">
          Erase…
        </button>
      </form>
      {erasing && (
        <ConfirmDialog
          title={`Erase ${erasing}?`}
          confirm="Erase for good"
          onConfirm={() => erase(erasing)}
          onCancel={() => setErasing(null)}
        >
          <p>
            Every session, message and API key of <code>{erasing}</code> is deleted, on every
            instance. This cannot be undone: export first if a copy is needed.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

async function exportUser(userId: string) {
  const response = await fetch(`/v1/admin/users/${encodeURIComponent(userId)}/export`, {
    headers: authHeaders(),
  });
  if (!response.ok) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = `convstore-${userId}.ndjson`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
