import { useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api.js';
import { formatNumber } from '../format.js';

/** Reclaims expired sessions now (POST /v1/admin/cleanup). */
export function CleanupPanel() {
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const counts = await api<{ sessions: number; messages: number }>('/v1/admin/cleanup', {
        method: 'POST',
        body: {},
      });
      setResult(
        `Reclaimed ${formatNumber(counts.sessions)} expired sessions and ${formatNumber(counts.messages)} messages.`,
      );
    } catch (failure) {
      setResult(
        failure instanceof ApiError && failure.status === 409
          ? 'Another cleanup is running; try again when it is done.'
          : describeError(failure),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="cleanup-heading">
      <h2 id="cleanup-heading">Cleanup</h2>
      <p class="help">
        Reclaims the space of sessions past their time to live (the service also runs it every
        CLEANUP_INTERVAL seconds).
      </p>
      <button type="button" disabled={busy} onClick={run}>
        {busy ? 'Cleaning up…' : 'Run cleanup now'}
      </button>
      {result && (
        <p role="status" data-testid="cleanup-result">
          {result}
        </p>
      )}
    </section>
  );
}
