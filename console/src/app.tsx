import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onSignedOut, saveCredentials, savedCredentials, type Credentials } from './api.js';
import { AdminView } from './admin/admin-view.js';
import { href, useRoute } from './route.js';
import { ConversationView } from './sessions/conversation.js';
import { SessionList } from './sessions/session-list.js';
import { SignIn } from './sign-in.js';
import { UsageView } from './usage/usage-view.js';

export function App() {
  const [credentials, setCredentials] = useState<Credentials | null>(savedCredentials);
  const [notice, setNotice] = useState('');
  const route = useRoute();
  const signIn = (given: Credentials | null) => {
    saveCredentials(given);
    setCredentials(given);
  };
  useEffect(
    () =>
      onSignedOut(() => {
        signIn(null);
        setNotice('The service no longer accepts these credentials: sign in again.');
      }),
    [],
  );
  if (!credentials) {
    return <SignIn notice={notice} onSignIn={(given) => (setNotice(''), signIn(given))} />;
  }
  const section = route.path[0] ?? (credentials.role === 'admin' ? 'admin' : 'sessions');
  return (
    <>
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">convstore</span>
        <nav aria-label="Views">
          {credentials.role === 'user' ? (
            <NavLink to="sessions" current={section}>
              Conversations
            </NavLink>
          ) : (
            <NavLink to="admin" current={section}>
              Administration
            </NavLink>
          )}
          <NavLink to="usage" current={section}>
            Usage
          </NavLink>
        </nav>
        <span class="who" data-testid="who">
          {credentials.role === 'admin' ? 'Admin token' : 'User key'}
        </span>
        <button type="button" class="quiet" onClick={() => signIn(null)}>
          Sign out
        </button>
      </header>
      <Main>
        {section === 'usage' ? (
          <UsageView role={credentials.role} />
        ) : credentials.role === 'admin' ? (
          <AdminView
            onSignInAs={(token) => {
              location.hash = href(['sessions']);
              signIn({ token, role: 'user' });
            }}
          />
        ) : route.path[1] !== undefined ? (
          <ConversationView
            key={`${route.path[1]}?${route.params.get('seq') ?? ''}`}
            sessionId={route.path[1]}
            seq={Number(route.params.get('seq')) || null}
          />
        ) : (
          <SessionList query={route.params.get('q') ?? ''} role={route.params.get('role') ?? ''} />
        )}
      </Main>
    </>
  );
}

function NavLink(props: { to: string; current: string; children: string }) {
  const here = props.current === props.to;
  return (
    <a href={href([props.to])} aria-current={here ? 'page' : undefined} class={here ? 'here' : ''}>
      {props.children}
    </a>
  );
}

/** The view's landmark (its heading takes the focus: see PageHeading). */
function Main({ children }: { children: ComponentChildren }) {
  return (
    <main id="main" tabIndex={-1}>
      {children}
    </main>
  );
}

function skipToMain(event: Event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
