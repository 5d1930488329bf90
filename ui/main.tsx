import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { api, ApiError, describeFailure, type Session } from './api.js';
import { SignIn } from './components/sign-in.js';
import { LinkPage } from './pages/link-page.js';
import { Overview } from './pages/overview.js';
import { OrphansPage } from './pages/orphans-page.js';
import { SharePage } from './pages/share-page.js';
import { WebhooksPage } from './pages/webhooks-page.js';
import { useLocation } from './use-location.js';

const SESSION_RETRY_MS = 3000;

type SessionState = { state: 'checking' } | { state: 'signed-out' } | { state: 'failed'; message: string } | { state: 'signed-in'; session: Session };

function App() {
  const [session, setSession] = useState<SessionState>({ state: 'checking' });
  const [where, navigate] = useLocation();

  useEffect(() => {
    let retry: ReturnType<typeof setTimeout> | undefined;
    // A server that is starting or lost its database answers 503: say so, and try again by itself.
    const check = () => api<Session>('/dashboard/session').then(
      (s) => setSession({ state: 'signed-in', session: s }),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) return setSession({ state: 'signed-out' });
        setSession({ state: 'failed', message: describeFailure(e) });
        retry = setTimeout(() => void check(), SESSION_RETRY_MS);
      },
    );
    void check();
    return () => clearTimeout(retry);
  }, []);

  async function signOut() {
    await api('/dashboard/signout', { method: 'POST' });
    setSession({ state: 'signed-out' });
  }

  if (session.state === 'checking') return <main><p class="loading">Loading…</p></main>;
  if (session.state === 'failed') {
    return (
      <main class="sign-in">
        <section class="card" role="alert">
          <h1>LinkPulse</h1>
          <p class="error" data-testid="session-error">{session.message}</p>
          <p class="muted">Trying again every few seconds…</p>
        </section>
      </main>
    );
  }
  if (session.state === 'signed-out') return <SignIn onSignedIn={(s) => setSession({ state: 'signed-in', session: s })} />;

  const match = /^\/dashboard\/links\/([^/]+)$/.exec(where.path);
  const code = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
  const domain = new URLSearchParams(where.search).get('domain') ?? undefined;
  const role = session.session.role;
  return (
    <>
      <header class="top">
        <a href="/dashboard" class="brand" onClick={(e) => { e.preventDefault(); navigate('/dashboard'); }}>LinkPulse</a>
        <a href="/dashboard/orphans" onClick={(e) => { e.preventDefault(); navigate('/dashboard/orphans'); }}>Orphan visits</a>
        {role === 'admin' && <a href="/dashboard/webhooks" onClick={(e) => { e.preventDefault(); navigate('/dashboard/webhooks'); }}>Webhooks</a>}
        <span class="role" data-testid="role">{role === 'admin' ? 'Admin' : 'Viewer (read only)'}</span>
        <button type="button" class="secondary" onClick={() => void signOut()}>Sign out</button>
      </header>
      {where.path === '/dashboard/webhooks' ? <WebhooksPage />
        : where.path === '/dashboard/orphans' ? <OrphansPage />
          : code === undefined
            ? <Overview session={session.session} navigate={navigate} />
            : <LinkPage key={`${domain ?? ''}/${code}`} code={code} domain={domain} session={session.session} search={where.search} navigate={navigate} />}
    </>
  );
}

/** A shared report: no sign-in, no session asked for. */
function Shared({ id }: { id: string }) {
  const [where, navigate] = useLocation();
  return <SharePage id={id} search={where.search} navigate={navigate} />;
}

const root = document.getElementById('app');
const shared = /^\/share\/([^/]+)$/.exec(location.pathname)?.[1];
if (root) {
  root.textContent = '';
  render(shared === undefined ? <App /> : <Shared id={decodeURIComponent(shared)} />, root);
}
