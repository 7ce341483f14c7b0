import { useState } from 'preact/hooks';
import { describeError, identify, type Credentials } from './api.js';

/**
 * The key or token goes to the API only, in the Authorization header, and is kept in this tab's
 * sessionStorage until sign-out.
 */
export function SignIn(props: { notice: string; onSignIn(credentials: Credentials): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const given = token.trim();
      props.onSignIn({ token: given, role: await identify(given) });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>convstore console</h1>
      <p>Your conversations, their usage, and (with the admin token) the users of this service.</p>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form onSubmit={submit}>
        <label for="token">API key or admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          aria-describedby="token-help"
          aria-invalid={error ? 'true' : undefined}
        />
        <p id="token-help" class="help">
          A user's key (<code>csk_…</code>, from <code>POST /v1/admin/users</code>) shows that
          user's conversations; the admin token (printed when the service first started) shows the
          administration. It stays in this browser tab only.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
